"""The small-group rule of ASN's voice: HR sees what ASN said only as figures of groups of
at least ``evaluation.min_group_size`` people (default 5), never a row.

A group below the size shows :func:`hidden_note` and no number at all (not even how many
answered). When a total and some of its parts are shown, the parts left hidden must
together be empty or at least the size too: otherwise the total minus the shown parts
would give the hidden few's answers. :func:`parts_to_show` hides more parts (the smallest
first) until that holds.
"""

from __future__ import annotations

from collections.abc import Mapping


def hidden_note(min_size: int) -> str:
    return f"kurang dari {min_size} responden — tidak ditampilkan"


COMPLEMENT_NOTE = ("tidak ditampilkan agar jawaban kelompok kecil lain tidak dapat dihitung "
                   "dari selisih")


def hidden(min_size: int, complement: bool = False) -> dict:
    """What a group not shown says instead of its figures: too small, or hidden so that
    the total minus the shown groups does not give a small group's answers."""
    return {"shown": False, "note": COMPLEMENT_NOTE if complement else hidden_note(min_size)}


def parts_to_show(sizes: Mapping[str, int], total: int, min_size: int) -> set[str]:
    """The keys of the parts (``key -> respondents``) of a shown total that may be shown:
    each at least ``min_size``, and the respondents left out of them (the hidden parts
    and those in no part) either none or at least ``min_size``."""
    shown = {key for key, n in sizes.items() if n >= min_size}
    while shown:
        rest = total - sum(sizes[key] for key in shown)
        if rest == 0 or rest >= min_size:
            break
        shown.remove(min(shown, key=lambda key: (sizes[key], key)))
    return shown
