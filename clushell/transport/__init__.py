"""How commands reach the target: every external tool call goes through a Runner."""
