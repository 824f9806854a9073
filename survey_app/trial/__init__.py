"""Running the trial: randomisation lists, concealed allocation, withdrawals, follow-up (no Qt)."""
