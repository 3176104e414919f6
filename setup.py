"""The C extension of the package (everything else is in pyproject.toml): the trigram loops of
nlu/catalog_index.py, compiled at install, so installing needs a C compiler."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("nlu._trigrams", ["nlu/_trigrams.c"], extra_compile_args=["-O3"])])
