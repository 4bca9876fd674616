"""clush: an interactive shell for Pacemaker clusters and IPVS load balancers."""

__version__ = "0.1.0"
