"""The catalog service contract.

Products, categories and stock: the upstream source of prices and availability. Calls nobody.
"""
