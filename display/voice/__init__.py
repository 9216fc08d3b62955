"""The voice: the call phrase, Vietnamese number reading, speech rendering, the chime."""
