# A loop in a function that is itself called in a loop elsewhere: high confidence.
