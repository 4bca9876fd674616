"""IPVS: the table model, ipvsadm parsing and formatting, plans, apply/verify/rollback, import/export."""
