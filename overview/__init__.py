"""The cost overview page at `/`: month to date, trend, top spenders, recommendations and collection health."""
