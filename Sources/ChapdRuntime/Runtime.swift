// I/O edge.
