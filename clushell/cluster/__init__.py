"""Operations on every node of a cluster at once, over the Runner (one connection per node, in parallel)."""
