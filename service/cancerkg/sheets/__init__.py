"""Spreadsheet submissions: templates generated from the shapes, XLSX/CSV mapped to RDF by the
mapping files of mappings/, validated in context and reported by sheet, row and column."""
