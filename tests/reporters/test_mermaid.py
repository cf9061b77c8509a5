"""The path of a finding as a Mermaid flowchart: readable labels, and nothing from the
plan that Mermaid, markdown or HTML could read as anything but text.

Every diagram here is checked against a whitelist grammar of the statements plangate
writes (generated node ids, quoted labels of letters, digits, a little punctuation,
entities and `<br>`, edges, the fixed classes), so an injected `click`, link, directive,
class or node, or a line that ends the fence, fails whatever form it takes. The browser
test (test_mermaid_render.py) renders the same cases with the real Mermaid library.
"""

from __future__ import annotations

import json
import re

import pytest
from plangate.reporters.escaping import WORD_JOINER, mermaid_label, visible
from plangate.reporters.mermaid import LABEL_WIDTH, MAX_NODES, fenced, flowchart, node_texts

_LABEL = r"(?:[A-Za-z0-9 ._,=()+/-]|#\d+;|<br>)*"
_STATEMENTS = [
    re.compile(rf'  n\d+(?:\["{_LABEL}"\]|\(\["{_LABEL}"\]\)|\(\("{_LABEL}"\)\))'),
    re.compile(r"  n\d+ --> n\d+"),
    re.compile(r"  classDef (?:finding|source|gap) [a-z0-9:#,. -]+"),
    re.compile(r"  class n\d+(?:,n\d+)* (?:finding|source|gap)"),
]

# Mermaid syntax, HTML, markdown and fence breakers, as a pull request can write them in
# a for_each key or a statement id.
HOSTILE = [
    '"] --> n9["pwned',
    '"]; click n0 callback "alert',
    'click n0 href "javascript:alert(1)" _blank',
    "%%{init: {'securityLevel': 'loose'}}%%",
    ":::finding",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<br><b>bold</b><br/>",
    '<a href="https://evil.example">x</a>',
    "```\n# heading\n```",
    "~~~",
    "` **md** `",
    "#quot;#60;&lt;&#60;",
    "style n0 fill:#f00;",
    "classDef finding fill:#f00;",
    "fa:fa-car",
    "end",
    "subgraph x",
    "a\nb\r\nc",
    "esc\x1b[2J rlo\u202egnp",
    "@org/team https://evil.example",
    '\\"\\',
    "a;b|c{d}e[f]g>h",
    "emoji \U0001f600",
]


def assert_grammar(source: str) -> None:
    """Each line is a statement plangate writes, and nothing else."""
    first, *rest = source.split("\n")
    assert first in ("flowchart LR", "flowchart TD")
    for line in rest:
        assert any(s.fullmatch(line) for s in _STATEMENTS), line


def labels(source: str) -> list[list[str]]:
    """Each node's label as Mermaid shows it: entities decoded, lines split at `<br>`."""
    found = re.findall(r'^  n\d+[\[(]+"(.*)"[\])]+$', source, re.MULTILINE)
    decode = lambda text: re.sub(  # noqa: E731
        r"#(\d+);", lambda m: chr(int(m.group(1))), text
    ).replace(WORD_JOINER, "")
    return [[decode(line) for line in label.split("<br>")] for label in found]


def finding(*chain: str, address: str | None = None) -> dict:
    return {"address": address if address is not None else chain[-1], "chain": list(chain)}


def test_each_hop_is_a_node_with_its_type_and_short_address_in_path_order():
    source = flowchart(
        finding(
            "module.app.aws_ecs_task_definition.api",
            "module.app.aws_iam_role.task",
            'module.app["eu"].aws_iam_role_policy.lock[0]',
            'statement "TerraformLocks"',
            address='module.app["eu"].aws_iam_role_policy.lock[0]',
        )
    )
    assert_grammar(source)
    assert labels(source) == [
        ["aws_ecs_task_definition", "app/api"],
        ["aws_iam_role", "app/task"],
        ["aws_iam_role_policy", 'app["eu"]/lock[0]'],
        ['statement "TerraformLocks"'],
    ]
    assert re.findall(r"n\d+ --> n\d+", source) == ["n0 --> n1", "n1 --> n2", "n2 --> n3"]
    assert '  n3(["' in source, "a phrase is a rounded node"


def test_the_findings_resource_is_highlighted():
    source = flowchart(finding("aws_db_instance.db", "aws_security_group.db", "aws_x.rule"))
    assert source.splitlines()[-1] == "  class n2 finding"
    assert "classDef finding " in source


def test_a_chain_that_starts_from_a_public_cidr_starts_at_an_internet_node():
    source = flowchart(finding("0.0.0.0/0", "aws_security_group_rule.open", "aws_db_instance.db"))
    assert labels(source)[0] == ["internet", "0.0.0.0/0"]
    assert '  n0(("internet<br>0.0.0.0/0"))' in source
    assert "  class n0 source" in source


@pytest.mark.parametrize(
    ("cidr", "where"),
    [("::/0", "internet"), ("203.0.113.0/24", "internet"), ("10.0.0.0/8", "network")],
)
def test_a_cidr_hop_says_whether_it_is_the_internet(cidr: str, where: str):
    assert labels(flowchart(finding(cidr, "aws_db_instance.db")))[0] == [where, cidr]


def test_a_number_or_a_name_with_a_slash_is_not_a_cidr():
    for hop in ("5432", "a/b", "pl-123/x"):
        assert labels(flowchart(finding(hop, "aws_db_instance.db")))[0] == [hop]


def test_data_sources_keep_their_mode_and_an_unparsable_address_is_shown_whole():
    source = flowchart(finding("data.aws_iam_policy_document.p", "aws_x.y[0][1]", "a.b.c"))
    assert labels(source) == [
        ["data.aws_iam_policy_document", "p"],
        ["aws_x.y[0][1]"],
        ["a.b.c"],
    ]


def test_a_hop_that_recurs_is_one_node_and_each_edge_is_drawn_once():
    source = flowchart(finding("aws_a.x", "aws_b.y", "aws_a.x", "aws_b.y", "aws_c.z"))
    assert len(labels(source)) == 3
    assert re.findall(r"n\d+ --> n\d+", source) == ["n0 --> n1", "n1 --> n0", "n1 --> n2"]


def test_no_chain_no_diagram():
    assert flowchart({"address": "aws_db_instance.db", "chain": []}) is None


def test_thousands_of_hops_draw_at_most_max_nodes_with_an_and_n_more_node():
    chain = [f"aws_r.n{i}" for i in range(5000)]
    source = flowchart(finding(*chain))
    assert_grammar(source)
    drawn = labels(source)
    assert len(drawn) == MAX_NODES
    assert drawn[-2] == [f"… {5000 - (MAX_NODES - 1)} more hops"]
    assert drawn[-1] == ["aws_r", "n4999"], "the last hop, the finding's resource, stays"
    assert "  class n11 finding" in source and "  class n10 gap" in source
    assert len(source) < 5_000


def test_long_labels_are_cut_keeping_the_end_of_an_address():
    key = "k" * 500
    source = flowchart(finding("x" * 500, f'aws_t.n["{key}"]'))
    phrase, (_, short) = labels(source)
    assert phrase == ["x" * (2 * LABEL_WIDTH - 1) + "…"]
    assert len(short) == LABEL_WIDTH and short.startswith("…") and short.endswith('k"]')


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_a_phrase_stays_one_quoted_label(text: str):
    source = flowchart(finding(text, "aws_db_instance.db"))
    assert_grammar(source)
    assert labels(source)[0] == [visible(text)]
    assert len(labels(source)) == 2, "no node was added"


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_a_for_each_key_stays_one_quoted_label(text: str):
    address = f"aws_db_instance.db[{json.dumps(text, ensure_ascii=False)}]"
    source = flowchart(finding("aws_security_group.db", address))
    assert_grammar(source)
    short = visible(f"db[{json.dumps(text, ensure_ascii=False)}]")
    if len(short) > LABEL_WIDTH:
        short = "…" + short[-(LABEL_WIDTH - 1) :]
    assert labels(source)[1] == ["aws_db_instance", short]
    assert "  class n1 finding" in source


@pytest.mark.parametrize("text", HOSTILE)
def test_a_fenced_diagram_is_one_block_whatever_the_text(text: str):
    block = fenced(flowchart(finding(text, text + "x")))
    lines = block.split("\n")
    assert lines[0] == "```mermaid" and lines[-1] == "```"
    assert not any(line.lstrip().startswith(("```", "~~~")) for line in lines[1:-1])
    assert "`" not in "\n".join(lines[1:-1])


def test_mermaid_labels_keep_letters_digits_and_plain_punctuation_only():
    assert mermaid_label('aws_x.y["a"]') == "aws_x.y#91;#34;a#34;#93;"
    assert mermaid_label("a<b>c;%%") == "a#60;b#62;c#59;#37;#37;"
    assert mermaid_label("\x1b") == "#92;#8288;u001b"


def test_mermaid_labels_keep_decoded_text_from_reading_as_mermaid_label_syntax():
    """Once Mermaid's sanitizer has decoded the entities, `\\n`, `$$`, `fa:fa-` and `#br#`
    would still be a line break, KaTeX, an icon and a break: a word joiner splits each."""
    assert mermaid_label("a\\nb $$x$$ fa:fa-car #br#") == (
        "a#92;#8288;nb #36;#8288;#36;#8288;x#36;#8288;#36;#8288; "
        "fa#58;#8288;fa-car #35;#8288;br#35;#8288;"
    )


def test_node_texts_are_what_the_labels_show():
    f = finding("0.0.0.0/0", "aws_security_group.db", 'statement "X"')
    assert node_texts(f) == labels(flowchart(f))
