"""The package version. Kept equal to Cargo.toml's version: the wheel build
fails and a unit test fails when they differ."""

__version__ = "0.1.0"
