"""Search backends: the embedded Whoosh index (the default) and an OpenSearch cluster."""
