// pppd option words -> configuration.
