"""The optional compiled hot loops (packets/_wire.c); everything else is in pyproject.toml.

Optional: without a C compiler the install goes on and the same loops run in Python
(``packets.native`` says which; under CI=true a test requires the compiled ones).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "packets._wire",
            ["packets/_wire.c"],
            optional=True,
            extra_compile_args=["-O2", "-Wall", "-Wextra", "-Werror=implicit-function-declaration"],
        )
    ]
)
