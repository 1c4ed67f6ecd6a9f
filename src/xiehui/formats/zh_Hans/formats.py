"""Input formats for Simplified Chinese: ISO dates first.

Django's zh_Hans formats put "%Y/%m/%d" first, which is how DateInput renders a
value; an <input type="date"> accepts only YYYY-MM-DD and shows such a value as
empty. Listing ISO first makes every date field round-trip; the Chinese forms
stay accepted on input.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%n月%j日"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y年%n月%j日 %H:%M",
]
