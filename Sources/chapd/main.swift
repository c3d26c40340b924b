print("chapd: not built yet")
