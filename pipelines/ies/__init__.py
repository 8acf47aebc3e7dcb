"""IES (Income & Expense Statement) extraction: PDF, XLSX and CSV statements → the contract JSON
(pipelines/ies/contract/ies_result.schema.json). Plain modules, no Dagster: the assets and the API call
`pipelines.ies.extract.extract`."""
