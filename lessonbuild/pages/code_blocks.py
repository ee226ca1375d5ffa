"""Code blocks with fewer elements, and the same look (the last step of a page's HTML).

Pygments wraps every name, punctuation mark and run of spaces of a code block in a <span>
of its own: on the Positions page they are 2,300 of its 5,400 elements, and a phone styles
and lays out every element each time the page changes. Names and punctuation are drawn in
the plain code colour anyway (Material's --md-code-hl-name-color is the code colour, site.css
sets the punctuation colour to it) and spaces have no colour, so their text goes without the
<span>. Keywords, strings, numbers, operators, comments and the other tokens keep theirs.
The notebook page does the same to its blocks (lessonbuild/notebook/page_html.py).
"""

import re

CODE = re.compile(r"<code\b[^>]*>.*?</code>", re.DOTALL)
PLAIN_TOKEN = re.compile(r'<span class="(?:n|p|w)">([^<]*)</span>')


def plain_tokens_unwrapped(html: str) -> str:
    return CODE.sub(lambda code: PLAIN_TOKEN.sub(r"\1", code[0]), html)
