"""The sample business: a deterministic, internally consistent roofing contractor (CenterPoint
CRM records, Stripe card payments and maintenance plans, a Notion knowledge base, IES statements)
generated from a seed and a scale factor, with the ground truth the pipelines must reproduce."""
