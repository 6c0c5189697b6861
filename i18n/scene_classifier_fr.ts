<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
  <context>
    <name>SceneClassifierAlgorithm</name>
    <message>
      <source>Training</source>
      <translation>Entraînement</translation>
    </message>
    <message>
      <source>Classification</source>
      <translation>Classification</translation>
    </message>
    <message>
      <source>Setup</source>
      <translation>Installation</translation>
    </message>
    <message>
      <source>Train scene classifier</source>
      <translation>Entraîner le classificateur de scènes</translation>
    </message>
    <message>
      <source>Find learning rate</source>
      <translation>Trouver le taux d'apprentissage</translation>
    </message>
    <message>
      <source>Preview training data</source>
      <translation>Aperçu des données d'entraînement</translation>
    </message>
    <message>
      <source>Classify objects</source>
      <translation>Classer les objets</translation>
    </message>
    <message>
      <source>Classify raster grid</source>
      <translation>Classer une grille sur le raster</translation>
    </message>
    <message>
      <source>Export training chips</source>
      <translation>Exporter les imagettes d'entraînement</translation>
    </message>
    <message>
      <source>Evaluate classifier</source>
      <translation>Évaluer le classificateur</translation>
    </message>
    <message>
      <source>Check dependencies</source>
      <translation>Vérifier les dépendances</translation>
    </message>
    <message>
      <source>Folder of labelled chips</source>
      <translation>Dossier d'imagettes étiquetées</translation>
    </message>
    <message>
      <source>Chip size (pixels)</source>
      <translation>Taille des imagettes (pixels)</translation>
    </message>
    <message>
      <source>Batch size</source>
      <translation>Taille du lot</translation>
    </message>
    <message>
      <source>Validation share (%)</source>
      <translation>Part de validation (%)</translation>
    </message>
    <message>
      <source>Backbone</source>
      <translation>Réseau de base</translation>
    </message>
    <message>
      <source>Start from ImageNet weights</source>
      <translation>Partir des poids ImageNet</translation>
    </message>
    <message>
      <source>Start from a model</source>
      <translation>Partir d'un modèle</translation>
    </message>
    <message>
      <source>Epochs</source>
      <translation>Époques</translation>
    </message>
    <message>
      <source>Learning rate (empty = find it)</source>
      <translation>Taux d'apprentissage (vide = le trouver)</translation>
    </message>
    <message>
      <source>Stop early</source>
      <translation>Arrêt anticipé</translation>
    </message>
    <message>
      <source>Processor</source>
      <translation>Processeur</translation>
    </message>
    <message>
      <source>Model name</source>
      <translation>Nom du modèle</translation>
    </message>
    <message>
      <source>Output folder</source>
      <translation>Dossier de sortie</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>Graine aléatoire</translation>
    </message>
  </context>
  <context>
    <name>DependenciesDialog</name>
    <message>
      <source>Scene Classifier dependencies</source>
      <translation>Dépendances de Scene Classifier</translation>
    </message>
    <message>
      <source>Package</source>
      <translation>Paquet</translation>
    </message>
    <message>
      <source>Installed</source>
      <translation>Installé</translation>
    </message>
    <message>
      <source>Version</source>
      <translation>Version</translation>
    </message>
    <message>
      <source>What it enables</source>
      <translation>Ce qu'il permet</translation>
    </message>
    <message>
      <source>Install PyTorch (training and classifying)</source>
      <translation>Installer PyTorch (entraîner et classer)</translation>
    </message>
    <message>
      <source>Install onnxruntime (classifying only, about 85 MB)</source>
      <translation>Installer onnxruntime (classer seulement, environ 85 Mo)</translation>
    </message>
    <message>
      <source>Cancel the installation</source>
      <translation>Annuler l'installation</translation>
    </message>
    <message>
      <source>Folder of wheels…</source>
      <translation>Dossier de wheels…</translation>
    </message>
    <message>
      <source>no</source>
      <translation>non</translation>
    </message>
    <message>
      <source>yes</source>
      <translation>oui</translation>
    </message>
    <message>
      <source>yes: restart QGIS</source>
      <translation>oui : redémarrez QGIS</translation>
    </message>
    <message>
      <source>Installed: restart QGIS to use it.</source>
      <translation>Installé : redémarrez QGIS pour l'utiliser.</translation>
    </message>
  </context>
  <context>
    <name>SceneClassifierPlugin</name>
    <message>
      <source>Dependencies…</source>
      <translation>Dépendances…</translation>
    </message>
  </context>
  <context>
    <name>SceneClassifierCore</name>
    <message>
      <source>Give either {} alone, or {}, {} and {} together: one of the two ways, not both and not neither.</source>
      <translation>Donnez soit {} seul, soit {}, {} et {} ensemble : l'une des deux façons, pas les deux ni aucune.</translation>
    </message>
  </context>
</TS>
