"""Every read: ``public`` (from the public projection: the API, the public
pages, the exports), ``review`` (the reviewers' admin) and ``search``."""
