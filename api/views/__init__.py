"""The REST API's viewsets and the health endpoint."""
