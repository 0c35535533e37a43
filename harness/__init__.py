"""Local stand-ins and the browser launcher shared by the demo (demo.py), the tests and the benchmark.

Nothing here ships in the extension: a Klaviyo-like helpdesk page, a Loop API stand-in, the TLS material
for both, and the Chromium command line that loads dist/ and maps the real host names to loopback.
"""
