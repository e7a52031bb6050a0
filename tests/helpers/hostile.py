"""The hostile corpus: a repository whose every Markdown and plain field that
reaches a page holds values that try to inject script, markup or Jinja (the
site safety tests parse the pages, the browser tests open them)."""

from __future__ import annotations

from pathlib import Path

from helpers.repos import TmpRepo
from helpers.site import new_repo, write_yaml

MD_LINK = "https://example.org/mdlink"  # a harmless link written in Markdown
JINJA = "JINJA-{{ 7*7 }}-END"
JINJA_EVALUATED = "JINJA-49-END"

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript:alert('QUOTED'))",  # a quote inside the address: no title, and nothing of it left as text
    "[x]( javascript:alert(1) )",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript&#x3A;alert(1))",
    '<a href="&#106;avascript:alert(1)">ent</a>',
    '<a href="javascript&colon;alert(1)">colon</a>',
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "![img](javascript:alert(1))",
    "![img](https://evil.example/pixel.png)",
    "<javascript:alert(1)>",
    "<https://example.org/autolink>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<svg onload=alert(1)><circle r=1></circle></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">m</mi></math>',
    "<style>body{display:none}</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<a href="https://example.org/" onclick="alert(1)">click</a>',
    '<a href="https://example.org/" style="position:fixed;top:0">cover</a>',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">go</button><input name=x></form>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    "<details open ontoggle=alert(1)>d</details>",
    "<body onload=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)//-->",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    f'[a]({MD_LINK} "t" onmouseover="alert(1)")',
    f"[safe]({MD_LINK})",
    JINJA,
    "{% raw %}{{ site }}{% endraw %}",
]

MARKDOWN_TEXT = "\n\n".join(HOSTILE)  # one value per paragraph
PLAIN = [
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "' onmouseover='alert(1)",
    "</title><script>alert(1)</script>",
    JINJA,
]


def plain(n: int) -> str:
    return f"{PLAIN[n % len(PLAIN)]} #{n}"


# Ids: no spaces (the id rule), otherwise anything goes.
HOSTILE_IDS = ['"><svg/onload=alert(1)>', "<script>alert(1)</script>", "x'onmouseover='alert(1)", "{{7*7}}"]


def write_hostile(root: Path) -> TmpRepo:
    n = iter(range(1000))
    settings = {
        "policy": "iet",
        "site": {
            "title": plain(next(n)),
            "base_url": "https://jo.example.org/",
            "publish": {"reflections": True, "evidence": True},
        },
    }
    profile = {
        "name": plain(next(n)),
        "post_nominals": plain(next(n)),
        "headline": plain(next(n)),
        "location": plain(next(n)),
        "bio": MARKDOWN_TEXT,
        "memberships": [{"body": plain(next(n)), "grade": plain(next(n)), "since": "2015-01-01"}],
        "registrations": [{"title": plain(next(n)), "body": plain(next(n)), "since": "2016-01-01"}],
        "links": [{"label": value, "url": "https://example.org/profile"} for value in PLAIN],
    }
    repo = new_repo(root, settings, profile)
    tags = [*PLAIN, "<b>bold</b>"]
    activities = []
    for i, type_ in enumerate(["event", "self-study", "work-experience", "volunteering"]):
        activities.append(
            {
                "id": HOSTILE_IDS[i],
                "title": plain(next(n)),
                "type": type_,
                "start": f"2025-0{i + 1}-10",
                "hours": 2,
                "provider": plain(next(n)),
                "location": plain(next(n)),
                "description": MARKDOWN_TEXT,
                "outcomes": MARKDOWN_TEXT,
                "reflection": MARKDOWN_TEXT,
                "tags": tags,
                "objectives": ["goal"],
            }
        )
    activities.append(
        {
            "id": "plain",
            "title": JINJA,
            "type": "event",
            "start": "2024-05-01",
            "hours": 1,
            "description": MARKDOWN_TEXT,
        }
    )
    write_yaml(repo, "records/activities/hostile.yaml", activities)
    write_yaml(
        repo,
        "records/training/hostile.yaml",
        [
            {
                "id": HOSTILE_IDS[0],
                "title": plain(next(n)),
                "start": "2025-06-01",
                "hours": 3,
                "provider": plain(next(n)),
                "accredited_by": plain(next(n)),
                "location": plain(next(n)),
                "description": MARKDOWN_TEXT,
                "outcomes": MARKDOWN_TEXT,
                "reflection": MARKDOWN_TEXT,
                "tags": tags,
            }
        ],
    )
    write_yaml(
        repo,
        "records/employment/hostile.yaml",
        [
            {
                "id": "job",
                "employer": plain(next(n)),
                "role": plain(next(n)),
                "start": "2015-01-01",
                "location": plain(next(n)),
                "employment_type": plain(next(n)),
                "responsibilities": MARKDOWN_TEXT,
                "achievements": MARKDOWN_TEXT,
            }
        ],
    )
    write_yaml(
        repo,
        "records/qualifications/hostile.yaml",
        [
            {
                "id": "q",
                "title": plain(next(n)),
                "institution": plain(next(n)),
                "subject": plain(next(n)),
                "level": plain(next(n)),
                "grade": plain(next(n)),
                "status": "in-progress",
                "start": "2020-01-01",
            }
        ],
    )
    write_yaml(
        repo,
        "records/objectives/goal.yaml",
        {
            "title": plain(next(n)),
            "description": MARKDOWN_TEXT,
            "review": MARKDOWN_TEXT,
            "status": "in-progress",
            "target": "2027-01-01",
            "actions": [
                {
                    "title": plain(next(n)),
                    "status": "done",
                    "done_on": "2025-03-01",
                    "activities": [HOSTILE_IDS[0], HOSTILE_IDS[1]],
                }
            ],
        },
    )
    return repo
