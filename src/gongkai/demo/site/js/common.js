function doZoom(size){var el=document.getElementById('zoom')||document.querySelector('.TRS_Editor,.article-content');if(el){el.style.fontSize=size+'px';}}
