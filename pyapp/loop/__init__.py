"""Loop Returns' REST API as the panel uses it: the client, its HTTP layer, models and errors."""
