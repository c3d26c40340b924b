// Sans-IO protocol machines live here.
