"""Reading the screens' HTML in tests: lxml, and the few CSS selectors the tests use turned
into XPath (tag, .class, #id, [attr], [attr=value], descendants)."""

from __future__ import annotations

import re

from lxml import html

_STEP = re.compile(r"([a-zA-Z0-9*]*)((?:[.#][\w-]+|\[[\w-]+(?:=[^\]]+)?\])*)")
_PART = re.compile(r"([.#])([\w-]+)|\[([\w-]+)(?:=([^\]]+))?\]")


def page(response) -> html.HtmlElement:
    return html.fromstring(response.content.decode())


def xpath_of(selector: str) -> str:
    steps = []
    for step in selector.split():
        tag, rest = _STEP.fullmatch(step).groups()  # type: ignore[union-attr]
        tests = []
        for mark, name, attr, value in _PART.findall(rest):
            if mark == ".":
                tests.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')")
            elif mark == "#":
                tests.append(f"@id='{name}'")
            elif value:
                tests.append(f"@{attr}='{value.strip(chr(34) + chr(39))}'")
            else:
                tests.append(f"@{attr}")
        steps.append((tag or "*") + "".join(f"[{t}]" for t in tests))
    return ".//" + "//".join(steps)


def css(element: html.HtmlElement, selector: str) -> list[html.HtmlElement]:
    return element.xpath(xpath_of(selector))
