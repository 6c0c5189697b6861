"""The tools' public interface, read by both front ends (algorithms/ for QGIS Processing,
cli/ for the command line) and never by core: every tool with its id, name, help,
parameters (ids, labels, kinds, defaults, limits, choices, help, the core setting each
gives) and outputs.

    ids         the parameter and output ids, as constants (INPUT_FOLDER, OUTPUT_REPORT …)
    parameters  what a parameter, a choice, an output and a tool are
    tools       the tools
    settings    parameter values to core's settings, and core's settings named back
"""
