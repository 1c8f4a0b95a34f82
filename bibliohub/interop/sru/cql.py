"""A parser of CQL, the query language of SRU (https://www.loc.gov/standards/sru/cql/spec.html),
into a small tree. It reads the whole grammar: prefix assignments, booleans with modifiers
(prox among them), relations with modifiers, quoted terms with escapes, and a trailing sortBy;
what the search cannot do is refused later, with its own diagnostic, by `sru.search`.

No Django here: pure functions, checked against YAZ's CQL test vectors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SERVER_CHOICE = "cql.serverChoice"
BOOLEANS = ("and", "or", "not", "prox")
_SYMBOLS = ("==", "<>", "<=", ">=", "=", "<", ">", "(", ")", "/")
_TOKEN = re.compile(
    r'\s*(?:(?P<quoted>"(?:[^"\\]|\\.)*")|(?P<unterminated>"(?:[^"\\]|\\.)*\\?$)'
    r"|(?P<symbol>==|<>|<=|>=|[=<>()/])|(?P<word>[^\s()=<>/\"]+))",
    re.DOTALL,
)


class CQLSyntaxError(ValueError):
    """Not a CQL query; `message` says where."""


@dataclass(frozen=True)
class Modifier:
    name: str
    comparison: str = ""
    value: str = ""


@dataclass(frozen=True)
class SearchClause:
    index: str
    relation: str
    term: str
    modifiers: tuple[Modifier, ...] = ()


@dataclass(frozen=True)
class Boolean:
    operator: str
    left: Node
    right: Node
    modifiers: tuple[Modifier, ...] = ()


Node = SearchClause | Boolean


@dataclass(frozen=True)
class SortKey:
    index: str
    modifiers: tuple[Modifier, ...] = ()


@dataclass(frozen=True)
class Query:
    root: Node
    prefixes: dict[str, str] = field(default_factory=dict)
    sort: tuple[SortKey, ...] = ()


@dataclass(frozen=True)
class _Token:
    kind: str  # "word" (a quoted string too), "symbol"
    text: str
    quoted: bool = False


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        m = _TOKEN.match(text, position)
        if m is None or m.end() == position:
            raise CQLSyntaxError(f"unexpected character at {position + 1}")
        if m.group("unterminated") is not None:
            raise CQLSyntaxError("a quoted term is not closed")
        if (quoted := m.group("quoted")) is not None:
            tokens.append(_Token("word", quoted[1:-1], quoted=True))
        elif (symbol := m.group("symbol")) is not None:
            tokens.append(_Token("symbol", symbol))
        else:
            tokens.append(_Token("word", m.group("word")))
        position = m.end()
    return tokens


def unescape(term: str) -> str:
    """A term's text without the backslashes that escape quotes (other escapes, of the
    masking characters * ? ^, are left for the caller to see)."""
    return term.replace('\\"', '"')


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0

    # -- helpers
    def peek(self, offset: int = 0) -> _Token | None:
        i = self.at + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise CQLSyntaxError("the query ends too early")
        self.at += 1
        return token

    def is_symbol(self, text: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token is not None and token.kind == "symbol" and token.text == text

    def is_keyword(self, words: tuple[str, ...], offset: int = 0) -> bool:
        token = self.peek(offset)
        return (
            token is not None
            and token.kind == "word"
            and not token.quoted
            and token.text.lower() in words
        )

    # -- grammar
    def query(self) -> Query:
        prefixes: dict[str, str] = {}
        root = self.cql_query(prefixes)
        sort: tuple[SortKey, ...] = ()
        if self.is_keyword(("sortby",)):
            self.take()
            sort = self.sort_keys()
        if self.peek() is not None:
            raise CQLSyntaxError(f"unexpected “{self.peek().text}”")  # type: ignore[union-attr]
        return Query(root=root, prefixes=prefixes, sort=sort)

    def cql_query(self, prefixes: dict[str, str]) -> Node:
        while self.is_symbol(">"):
            self.take()
            name = ""
            if self.peek(1) is not None and self.is_symbol("=", 1):
                name = self.word("a prefix name")
                self.take()
            prefixes[name] = self.word("a context set's identifier")
        return self.scoped_clause(prefixes)

    def scoped_clause(self, prefixes: dict[str, str]) -> Node:
        node = self.search_clause(prefixes)
        while self.is_keyword(BOOLEANS):
            operator = self.take().text.lower()
            modifiers = self.modifiers()
            right = self.search_clause(prefixes)
            node = Boolean(operator, node, right, modifiers)
        return node

    def search_clause(self, prefixes: dict[str, str]) -> Node:
        if self.is_symbol("("):
            self.take()
            node = self.cql_query(prefixes)
            if not self.is_symbol(")"):
                raise CQLSyntaxError("a parenthesis is not closed")
            self.take()
            return node
        if self.is_symbol(">"):
            return self.cql_query(prefixes)
        first = self.take()
        if first.kind != "word":
            raise CQLSyntaxError(f"expected a term, found “{first.text}”")
        relation = self.relation_here()
        if relation is None:
            return SearchClause(SERVER_CHOICE, "=", first.text)
        if first.quoted:
            raise CQLSyntaxError("an index name cannot be quoted")
        self.take()
        modifiers = self.modifiers()
        term = self.take()
        if term.kind != "word":
            raise CQLSyntaxError(f"expected a term, found “{term.text}”")
        return SearchClause(first.text, relation, term.text, modifiers)

    def relation_here(self) -> str | None:
        """The relation at the cursor if the word before it was an index, else None."""
        token = self.peek()
        if token is None:
            return None
        if token.kind == "symbol" and token.text in ("==", "<>", "<=", ">=", "=", "<", ">"):
            return token.text
        if token.kind == "word" and not token.quoted and not self.is_keyword((*BOOLEANS, "sortby")):
            # index relation term: a bare word followed by something that can be a term.
            following = self.peek(1)
            if following is not None and (following.kind == "word" or self.is_symbol("/", 1)):
                return token.text.lower() if "." not in token.text else token.text
        return None

    def modifiers(self) -> tuple[Modifier, ...]:
        found: list[Modifier] = []
        while self.is_symbol("/"):
            self.take()
            name = self.word("a modifier")
            comparison = value = ""
            token = self.peek()
            if (
                token is not None
                and token.kind == "symbol"
                and token.text in ("==", "<>", "<=", ">=", "=", "<", ">")
            ):
                comparison = self.take().text
                value = self.word("a modifier's value")
            found.append(Modifier(name, comparison, value))
        return tuple(found)

    def sort_keys(self) -> tuple[SortKey, ...]:
        keys: list[SortKey] = []
        while self.peek() is not None:
            keys.append(SortKey(self.word("a sort index"), self.modifiers()))
        if not keys:
            raise CQLSyntaxError("sortBy names no index")
        return tuple(keys)

    def word(self, what: str) -> str:
        token = self.peek()
        if token is None or token.kind != "word":
            raise CQLSyntaxError(f"expected {what}")
        self.at += 1
        return token.text


def parse(text: str) -> Query:
    """The tree of a CQL query. Raises CQLSyntaxError for anything the grammar does not allow,
    an empty query included."""
    if not text.strip():
        raise CQLSyntaxError("the query is empty")
    return _Parser(text).query()
