"""Order writes: checkout (the saga), transitions, and what staff and shoppers do to orders."""
