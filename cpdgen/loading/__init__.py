"""Files into data with source positions: the repository and its record files, text read with limits, YAML parsed strictly, cpdgen's schemas, repository paths, supporting documents' facts."""
