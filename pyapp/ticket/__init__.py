"""A ticket as the panel reads it from the page: its orders, e-mail and mentions, and following switches."""
