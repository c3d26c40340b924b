// HDLC framing (RFC 1662) lives here.
