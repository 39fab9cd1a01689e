"""报送 and 接收: sealing, cover letters, the seal, verifying and adding up what counties send."""
