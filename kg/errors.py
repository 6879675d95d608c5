"""The exceptions kg raises: one small hierarchy, messages that name the file and the fix."""


class KgError(Exception):
    """Base class of every error kg raises on purpose; the CLI prints it as `Error: ...`."""


class ArticleError(KgError):
    """An input file cannot be read as an article (no front matter, broken YAML, binary...)."""


class GazetteerError(KgError):
    """The gazetteer is missing or a record in it is malformed."""


class QueryError(KgError):
    """A SPARQL query could not be parsed or run, or its data file is missing."""
