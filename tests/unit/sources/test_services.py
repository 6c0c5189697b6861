"""Tile and map services as GDAL documents (core.sources.services), and the credentials that
go with them only while held (core.sources.credentials)."""

from __future__ import annotations

import pytest
from osgeo import gdal

from core.errors import DataError
from core.sources.credentials import basic_credentials, redact
from core.sources.services import wms_document, wms_name, wmts_document, wmts_name
from core.sources.web import gdal_name

GET_MAP = ("http://maps.example.org/wms?map=/srv/photo.qgs&SERVICE=WMS&VERSION=1.3.0&"
           "REQUEST=GetMap&LAYERS=ortho&STYLES=&CRS=EPSG:4326&BBOX=42.29,-71.15,42.31,-71.13&"
           "FORMAT=image/jpeg")


def test_a_wms_getmap_url_becomes_a_document_with_its_extent_in_x_y_order():
    document = wms_document(GET_MAP)
    assert "<ServerUrl>http://maps.example.org/wms?map=%2Fsrv%2Fphoto.qgs</ServerUrl>" in document
    # WMS 1.3.0 gives EPSG:4326 latitude first: the data window is in x, y order
    assert "<UpperLeftX>-71.15</UpperLeftX><UpperLeftY>42.31</UpperLeftY>" in document
    assert "<BBoxOrder>yxYX</BBoxOrder>" in document and "<CRS>EPSG:4326</CRS>" in document
    assert "<ImageFormat>image/jpeg</ImageFormat>" in document
    assert gdal_name("WMS:" + GET_MAP) == document  # what GDAL opens for the WMS: name
    # not a GetMap URL (GetCapabilities: GDAL lists the layers): passed as it is
    capabilities = "WMS:http://maps.example.org/wms?SERVICE=WMS&REQUEST=GetCapabilities"
    assert gdal_name(capabilities) == capabilities
    with pytest.raises(DataError, match="BBOX must be four numbers"):
        wms_document(GET_MAP.replace("42.29,-71.15,42.31,-71.13", "1,2,3"))


def test_a_qgis_wms_layer_is_named_as_a_getmap_url_and_a_wmts_layer_with_its_options():
    name = wms_name("http://maps.example.org/wms?map=x.qgs", "a,b", ",", "EPSG:26986",
                    "image/png", (1.0, 2.0, 3.0, 4.0))
    assert name == ("WMS:http://maps.example.org/wms?map=x.qgs&SERVICE=WMS&VERSION=1.1.1&"
                    "REQUEST=GetMap&LAYERS=a,b&STYLES=,&SRS=EPSG:26986&BBOX=1.0,2.0,3.0,4.0&"
                    "FORMAT=image/png")
    assert wmts_name("http://tiles.example.org/", "ortho", "EPSG:3857", "default") == (
        "WMTS:http://tiles.example.org/?SERVICE=WMTS&REQUEST=GetCapabilities,layer=ortho,"
        "tilematrixset=EPSG:3857,style=default")
    assert wmts_name("http://t.example.org/1.0.0/WMTSCapabilities.xml", "o", "g") == \
        "WMTS:http://t.example.org/1.0.0/WMTSCapabilities.xml,layer=o,tilematrixset=g"
    document = wmts_document("WMTS:http://t.example.org/c.xml,layer=o,tilematrixset=g")
    assert "<Layer>o</Layer><TileMatrixSet>g</TileMatrixSet>" in document
    with pytest.raises(DataError, match="unknown option"):
        wmts_document("WMTS:http://t.example.org/c.xml,layr=o")


def test_credentials_go_to_their_server_only_while_held():
    template = "https://tiles.example.org/{z}/{x}/{y}.png"
    with basic_credentials("https://tiles.example.org/any/path", "analyst", "s3cret"):
        assert "<UserPwd>analyst:s3cret</UserPwd>" in gdal_name(template)
        assert "<UserPwd>" not in gdal_name("https://other.example.org/{z}/{x}/{y}.png")
        assert "<UserPwd>analyst:s3cret</UserPwd>" in gdal_name("WMS:" + GET_MAP.replace(
            "http://maps.example.org", "https://tiles.example.org"))
        assert gdal.GetPathSpecificOption("/vsicurl/https://tiles.example.org/a.tif",
                                          "GDAL_HTTP_USERPWD") == "analyst:s3cret"
        assert redact("failed: analyst:s3cret@") == "failed: analyst:***@"
    assert "<UserPwd>" not in gdal_name(template)
    assert gdal.GetPathSpecificOption("/vsicurl/https://tiles.example.org/a.tif",
                                      "GDAL_HTTP_USERPWD") is None
    assert redact("s3cret") == "s3cret"  # nothing held: nothing to hide
