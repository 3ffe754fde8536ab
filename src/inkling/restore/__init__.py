"""VHS/PAL degradation simulator and restoration model."""
