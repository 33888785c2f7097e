"""Security probes of issue 14: each attack tried, as a test that fails when the hole reopens."""
