"""Model packages (.emd, .pth, .onnx, .dlpk): the definition, reading as data, writing in
one piece, the safe archive, the ONNX copy, and arcgis.learn's packages. Imports go from
write to read, never back."""
