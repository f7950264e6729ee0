"""The seed corpus (forum/seed_data/): loading and validating the YAML files, without Django or a database.

The format is described in forum/seed_data/README.md and the label vocabulary in docs/labelling.md.
`manage.py seed_forum` writes a loaded corpus to the database (forum.services.corpus_import); the tagger's
code and tests read the labels straight from the files with `iter_labelled_posts()`.

Every problem is reported as a SeedDataError that starts with the file's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[1] / "seed_data"

# Limits the site enforces on members (settings.FORUM_TITLE_MAX_CHARS / FORUM_POST_MAX_CHARS defaults).
TITLE_MAX_CHARS = 200
BODY_MAX_CHARS = 20_000
USERNAME_RE = re.compile(r"^[\w.@+-]{1,150}$")
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")
POST_KEY_RE = re.compile(r"^[-\w]{1,40}$")

# docs/labelling.md
OUTCOMES = {"helped", "worsened", "mixed", "none"}
EXERCISE_NAMES = {
    "walking", "running", "cycling", "pool", "yoga", "tai chi", "pilates", "stretching", "strength", "dance",
    "physiotherapy", "graded exercise therapy", "gym", "exercise",
}  # fmt: skip
TREATMENT_NAMES = {
    "ldn", "medication", "massage", "diet", "sleep", "supplements", "pacing", "meditation", "acupuncture",
    "heat", "cbt", "brain stimulation",
}  # fmt: skip
INTERVENTION_NAMES = EXERCISE_NAMES | TREATMENT_NAMES
SYMPTOMS = {"pain", "fatigue", "mood", "sleep", "cognition", "function", "pem"}
LABEL_CONDITIONS = {"fibromyalgia", "me/cfs", "long covid", "chronic pain", "other", "unknown"}
MEMBER_CONDITIONS = {"fibromyalgia", "me/cfs", "long covid", "chronic pain", "other"}
HARD_CASES = {
    "negation", "time_shift", "sarcasm", "hypothetical", "advice", "carer", "other_claim",
    "other_treatment_only", "question", "support", "study_opinion", "misleading_sentiment", "long", "short",
    "non_english", "typo",
}  # fmt: skip
LABEL_KEYS = {"outcome", "interventions", "symptoms", "condition", "hard_cases", "why"}


class SeedDataError(ValueError):
    """A seed file that doesn't follow the format; the message starts with the file name."""


@dataclass(frozen=True)
class SeedCategory:
    slug: str
    name: str
    description: str
    position: int


@dataclass(frozen=True)
class SeedMember:
    username: str
    display_name: str
    conditions: tuple[str, ...]
    joined: date
    bio: str
    source: str  # file name


@dataclass(frozen=True)
class SeedPost:
    key: str
    author: str
    created: datetime
    reply_to: str | None
    body: str
    label: dict[str, Any]


@dataclass(frozen=True)
class SeedThread:
    file_key: str  # the file name without .yaml: the thread's stable seed key
    category: str
    title: str
    posts: tuple[SeedPost, ...]


@dataclass
class SeedCorpus:
    categories: list[SeedCategory] = field(default_factory=list)
    members: list[SeedMember] = field(default_factory=list)
    threads: list[SeedThread] = field(default_factory=list)

    @property
    def post_count(self) -> int:
        return sum(len(thread.posts) for thread in self.threads)


# --- reading files ------------------------------------------------------------------------------------


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as error:
        raise SeedDataError(f"{path.name}: not valid YAML: {error}") from error
    except OSError as error:
        raise SeedDataError(f"{path.name}: can't be read: {error}") from error


def _fail(path: Path, where: str, message: str) -> SeedDataError:
    return SeedDataError(f"{path.name}: {where}: {message}" if where else f"{path.name}: {message}")


def _str(
    path: Path, where: str, value: Any, name: str, *, required: bool = True, max_length: int | None = None
) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(path, where, f"`{name}` must be a non-empty string")
    if max_length is not None and len(value) > max_length:
        raise _fail(path, where, f"`{name}` is {len(value)} characters; the limit is {max_length}")
    return value


def _str_list(path: Path, where: str, value: Any, name: str, allowed: set[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _fail(path, where, f"`{name}` must be a list of strings")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise _fail(path, where, f"`{name}` has unknown value(s) {unknown}; allowed: {sorted(allowed)}")
    return tuple(value)


def _check_keys(
    path: Path, where: str, data: Any, required: set[str], optional: set[str] = frozenset()
) -> None:
    if not isinstance(data, dict):
        raise _fail(path, where, "must be a mapping")
    missing = sorted(required - set(data))
    if missing:
        raise _fail(path, where, f"missing key(s) {missing}")
    unknown = sorted(set(data) - required - set(optional))
    if unknown:
        raise _fail(path, where, f"unknown key(s) {unknown}")


def load_categories(path: Path) -> list[SeedCategory]:
    data = _read_yaml(path)
    if not isinstance(data, list) or not data:
        raise _fail(path, "", "must be a non-empty list of categories")
    categories, seen = [], set()
    for position, item in enumerate(data):
        where = f"category #{position + 1}"
        _check_keys(path, where, item, {"slug", "name"}, {"description"})
        slug = _str(path, where, item["slug"], "slug")
        if not SLUG_RE.match(slug):
            raise _fail(path, where, f"slug {slug!r} may only hold letters, digits, - and _")
        if slug in seen:
            raise _fail(path, where, f"slug {slug!r} appears twice")
        seen.add(slug)
        categories.append(
            SeedCategory(
                slug=slug,
                name=_str(path, where, item["name"], "name", max_length=100),
                description=_str(
                    path, where, item.get("description"), "description", required=False, max_length=300
                ),
                position=position,
            )
        )
    return categories


def load_members(path: Path) -> list[SeedMember]:
    data = _read_yaml(path)
    if not isinstance(data, list):
        raise _fail(path, "", "must be a list of members")
    members = []
    for number, item in enumerate(data, start=1):
        where = f"member #{number}"
        _check_keys(path, where, item, {"username", "joined"}, {"display_name", "conditions", "bio"})
        username = _str(path, where, item["username"], "username")
        if not USERNAME_RE.match(username):
            raise _fail(path, where, f"username {username!r} may only hold letters, digits and @.+-_")
        where = f"member {username!r}"
        joined = item["joined"]
        if isinstance(joined, datetime):
            joined = joined.date()
        if not isinstance(joined, date):
            raise _fail(path, where, "`joined` must be a date like 2019-02-14")
        members.append(
            SeedMember(
                username=username,
                display_name=_str(
                    path, where, item.get("display_name"), "display_name", required=False, max_length=60
                ),
                conditions=_str_list(path, where, item.get("conditions"), "conditions", MEMBER_CONDITIONS),
                joined=joined,
                bio=_str(path, where, item.get("bio"), "bio", required=False, max_length=1000),
                source=path.name,
            )
        )
    return members


def _validate_label(path: Path, where: str, label: Any) -> dict[str, Any]:
    _check_keys(path, f"{where} label", label, {"outcome"}, LABEL_KEYS - {"outcome"})
    where = f"{where} label"
    if label["outcome"] not in OUTCOMES:
        raise _fail(path, where, f"outcome {label['outcome']!r} is not one of {sorted(OUTCOMES)}")
    interventions = label.get("interventions") or []
    if not isinstance(interventions, list):
        raise _fail(path, where, "`interventions` must be a list")
    for intervention in interventions:
        _check_keys(path, f"{where} intervention", intervention, {"name", "outcome"})
        if intervention["name"] not in INTERVENTION_NAMES:
            raise _fail(
                path,
                where,
                f"intervention {intervention['name']!r} is not a canonical name (docs/labelling.md)",
            )
        if intervention["outcome"] not in OUTCOMES:
            raise _fail(
                path,
                where,
                f"intervention outcome {intervention['outcome']!r} is not one of {sorted(OUTCOMES)}",
            )
    _str_list(path, where, label.get("symptoms"), "symptoms", SYMPTOMS)
    _str_list(path, where, label.get("hard_cases"), "hard_cases", HARD_CASES)
    condition = label.get("condition")
    if condition is not None and condition not in LABEL_CONDITIONS:
        raise _fail(path, where, f"condition {condition!r} is not one of {sorted(LABEL_CONDITIONS)}")
    if label.get("why") is not None and not isinstance(label["why"], str):
        raise _fail(path, where, "`why` must be a string")
    return dict(label)


def load_thread(path: Path) -> SeedThread:
    data = _read_yaml(path)
    _check_keys(path, "", data, {"category", "title", "posts"})
    title = _str(path, "", data["title"], "title", max_length=TITLE_MAX_CHARS)
    category = _str(path, "", data["category"], "category")
    if not isinstance(data["posts"], list) or not data["posts"]:
        raise _fail(path, "", "`posts` must be a non-empty list")
    posts: list[SeedPost] = []
    top_level: dict[str, SeedPost] = {}
    keys: set[str] = set()
    for number, item in enumerate(data["posts"], start=1):
        where = f"post #{number}"
        _check_keys(path, where, item, {"key", "author", "created", "body", "label"}, {"reply_to"})
        key = item["key"]
        if not isinstance(key, str) or not POST_KEY_RE.match(key):
            raise _fail(path, where, f"`key` {key!r} must be a short name like p1")
        where = f"post {key!r}"
        if key in keys:
            raise _fail(path, where, "the key appears twice")
        keys.add(key)
        created = item["created"]
        if isinstance(created, str):
            try:
                created = datetime.fromisoformat(created.replace("Z", "+00:00"))
            except ValueError as error:
                raise _fail(path, where, f"`created` {created!r} is not a date and time") from error
        if not isinstance(created, datetime) or created.tzinfo is None:
            raise _fail(
                path, where, "`created` must be a date and time with a time zone, like 2019-03-18T19:42:00Z"
            )
        reply_to = item.get("reply_to")
        if reply_to is not None:
            if reply_to not in top_level:
                raise _fail(
                    path, where, f"reply_to {reply_to!r} must name an earlier top-level post in this file"
                )
            if created < top_level[reply_to].created:
                raise _fail(path, where, f"is dated before the post it replies to ({reply_to!r})")
        body = _str(path, where, item["body"], "body", max_length=BODY_MAX_CHARS)
        post = SeedPost(
            key=key,
            author=_str(path, where, item["author"], "author"),
            created=created,
            reply_to=reply_to,
            body=body,
            label=_validate_label(path, where, item["label"]),
        )
        posts.append(post)
        if reply_to is None:
            top_level[key] = post
    if posts[0].reply_to is not None:
        raise _fail(path, "", "the first post must be a top-level post (reply_to: null)")
    if any(post.created < posts[0].created for post in posts):
        raise _fail(path, "", "the first post must be the earliest")
    return SeedThread(file_key=path.stem, category=category, title=title, posts=tuple(posts))


def load_corpus(data_dir: Path | str | None = None) -> SeedCorpus:
    """Load and check every file, and the references between them (categories, authors)."""
    data_dir = Path(data_dir) if data_dir else DEFAULT_DATA_DIR
    if not (data_dir / "categories.yaml").is_file():
        raise SeedDataError(f"categories.yaml: not found in {data_dir}")
    corpus = SeedCorpus(categories=load_categories(data_dir / "categories.yaml"))

    seen_members: dict[str, str] = {}
    for path in sorted(data_dir.glob("members_*.yaml")):
        for member in load_members(path):
            if member.username in seen_members:
                raise _fail(
                    path, f"member {member.username!r}", f"already defined in {seen_members[member.username]}"
                )
            seen_members[member.username] = path.name
            corpus.members.append(member)

    slugs = {category.slug for category in corpus.categories}
    thread_dir = data_dir / "threads"
    for path in sorted(thread_dir.glob("*.yaml")) if thread_dir.is_dir() else []:
        thread = load_thread(path)
        if thread.category not in slugs:
            raise _fail(path, "", f"category {thread.category!r} is not in categories.yaml")
        for post in thread.posts:
            if post.author not in seen_members:
                raise _fail(
                    path, f"post {post.key!r}", f"author {post.author!r} is not in any members_*.yaml"
                )
        corpus.threads.append(thread)
    return corpus


def iter_labelled_posts(data_dir: Path | str | None = None) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(thread file, post key, body, label) for every seeded post, straight from the YAML files.

    The label is the writer's intended outcome (keys as in docs/labelling.md): labelled data for the tagger.
    """
    for thread in load_corpus(data_dir).threads:
        for post in thread.posts:
            yield f"{thread.file_key}.yaml", post.key, post.body, dict(post.label)
