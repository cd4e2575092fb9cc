"""HR competency reports: data model loaders, the pandas engine, renderers, imports."""
