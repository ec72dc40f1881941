from lex.token import Token


def scan(words):
    return [Token.from_text(w) for w in words]
