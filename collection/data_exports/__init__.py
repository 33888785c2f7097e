"""AWS Data Exports (CUR 2.0, FOCUS 1.2) as a cost source: manifests, column maps, aggregate SQL and its engines."""
