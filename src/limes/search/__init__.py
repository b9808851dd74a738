"""Person and object search: normalisation, indexes and scoring."""
