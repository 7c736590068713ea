"""Generate a string matching a (basic) regular expression, for JSON-schema `pattern`.

Supports what schemas use in practice: literals, escapes (\\d \\w \\s and escaped punctuation),
classes with ranges and negation, `.`, groups with alternation, anchors and the quantifiers
`? * + {n} {n,} {n,m}`. Anything else (lookarounds, backreferences) raises `Unsupported`.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass

DIGITS = string.digits
WORD = string.ascii_letters + string.digits + "_"
SPACE = " "
PRINTABLE = string.ascii_letters + string.digits + " -_.,"
REPEAT_SPREAD = 3  # open-ended quantifiers draw at most this many extra repetitions


Node = Callable[[random.Random], str]  # a parsed piece of pattern: draws one matching string


class Unsupported(ValueError):
    pass


@dataclass
class _Parser:
    pattern: str
    pos: int = 0

    def peek(self) -> str | None:
        return self.pattern[self.pos] if self.pos < len(self.pattern) else None

    def take(self) -> str:
        char = self.pattern[self.pos]
        self.pos += 1
        return char

    def alternation(self) -> Node:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.take()
            branches.append(self.sequence())
        return lambda rng: rng.choice(branches)(rng)

    def sequence(self) -> Node:
        items = []
        while self.peek() not in (None, "|", ")"):
            items.append(self.quantified(self.atom()))
        return lambda rng: "".join(item(rng) for item in items)

    def quantified(self, atom: Node) -> Node:
        low, high = 1, 1
        char = self.peek()
        if char == "?":
            self.take()
            low, high = 0, 1
        elif char == "*":
            self.take()
            low, high = 0, REPEAT_SPREAD
        elif char == "+":
            self.take()
            low, high = 1, 1 + REPEAT_SPREAD
        elif char == "{" and self._looks_like_count():
            self.take()
            body = ""
            while self.peek() != "}":
                body += self.take()
            self.take()
            lo, comma, hi = body.partition(",")
            low = int(lo or 0)
            high = int(hi) if hi else (low + REPEAT_SPREAD if comma else low)
        else:
            return atom
        if self.peek() in ("?", "+"):
            self.take()  # lazy / possessive: same language
        return lambda rng: "".join(atom(rng) for _ in range(rng.randint(low, high)))

    def _looks_like_count(self) -> bool:
        end = self.pattern.find("}", self.pos)
        inner = self.pattern[self.pos + 1 : end] if end > 0 else ""
        return bool(inner) and all(c.isdigit() or c == "," for c in inner)

    def atom(self) -> Node:
        char = self.take()
        if char == "(":
            if self.peek() == "?":
                self.take()
                if self.peek() != ":":
                    raise Unsupported("lookarounds and named groups are not supported")
                self.take()
            inner = self.alternation()
            if self.peek() != ")":
                raise Unsupported("unbalanced parenthesis")
            self.take()
            return inner
        if char == "[":
            return self.char_class()
        if char == ".":
            return lambda rng: rng.choice(string.ascii_letters)
        if char in "^$":
            return lambda rng: ""
        if char == "\\":
            return self.escape(in_class=False)
        return lambda rng, c=char: c

    def escape(self, *, in_class: bool) -> Node:
        char = self.take()
        sets = {"d": DIGITS, "w": WORD, "s": SPACE, "D": string.ascii_letters, "W": "-", "S": "x"}
        if char in sets:
            pool = sets[char]
            return lambda rng: rng.choice(pool)
        if char in "bB" and not in_class:
            return lambda rng: ""
        if char.isdigit() and not in_class:
            raise Unsupported("backreferences are not supported")
        literal = {"n": "\n", "t": "\t", "r": "\r"}.get(char, char)
        return lambda rng: literal

    def char_class(self) -> Node:
        negated = self.peek() == "^"
        if negated:
            self.take()
        pool: set[str] = set()
        first = True
        while self.peek() != "]" or first:
            first = False
            char = self.take()
            if char == "\\":
                pool.update(_pool_of(self.escape(in_class=True)))
                continue
            if self.peek() == "-" and self.pattern[self.pos + 1 : self.pos + 2] not in ("]", ""):
                self.take()
                end = self.take()
                if end == "\\":
                    end = self.take()
                pool.update(chr(code) for code in range(ord(char), ord(end) + 1))
            else:
                pool.add(char)
        self.take()
        choices = sorted(set(PRINTABLE) - pool) if negated else sorted(pool)
        if not choices:
            raise Unsupported("empty character class")
        return lambda rng: rng.choice(choices)


def _pool_of(node: Node) -> set[str]:
    """All characters an escape can produce (sampled exhaustively enough for our small sets)."""
    rng = random.Random(0)
    return {node(rng) for _ in range(400)}


def sample(pattern: str, rng: random.Random) -> str:
    parser = _Parser(pattern)
    node = parser.alternation()
    if parser.pos != len(pattern):
        raise Unsupported(f"could not parse pattern {pattern!r}")
    return node(rng)
