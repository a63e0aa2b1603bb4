"""Human review: a local web app (`pipeline review`) and a static HTML report (`pipeline report`)."""
