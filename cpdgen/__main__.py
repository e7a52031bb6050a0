from cpdgen.cli import main

main()
