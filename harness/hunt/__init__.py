"""The fault hunt: adversarial search over fault schedules, shrinking, stories."""
